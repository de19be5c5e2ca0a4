import { installKeyring, makeKeyring, newDataKey } from '../crypto/cipher.ts';

// Every test process seals clinical text with a key of its own, as a server does with its key
// file (server/src/main.ts).
installKeyring(makeKeyring([newDataKey()]));
