import { useRef, useState } from 'react';
import { Button, Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { checkText } from '../../api/community';
import type { CrisisResources } from '../../api/crisis';
import { ResourceList } from './Resources';

type Waiting = { resources: CrisisResources | null; post: () => Promise<void> };

/**
 * Before a post goes out, its words are checked for crisis language. When they hold some, a
 * gentle pause shows the crisis lines and lets the person post anyway or not: it never stops
 * a post, and a check that cannot be made does not stop one either.
 */
export function useCrisisCheck() {
  const [waiting, setWaiting] = useState<Waiting | null>(null);
  const checking = useRef(false);

  async function beforePosting(text: string, post: () => Promise<void>): Promise<void> {
    if (checking.current) return;
    checking.current = true;
    let result: Awaited<ReturnType<typeof checkText>> | null = null;
    try {
      result = await checkText(text);
    } catch {
      // The server will mark it anyway; the person is not held up by a check that failed.
    } finally {
      checking.current = false;
    }
    if (result?.crisisLanguage) {
      setWaiting({ resources: result.resources, post });
      return;
    }
    await post();
  }

  const dialog = (
    <ModalOverlay
      className="modal-overlay"
      isDismissable
      isOpen={waiting !== null}
      onOpenChange={(open) => {
        if (!open) setWaiting(null);
      }}
    >
      <Modal className="modal">
        <Dialog className="dialog" aria-labelledby="crisis-check-heading">
          {({ close }) => (
            <>
              <Heading slot="title" id="crisis-check-heading">
                Before you post
              </Heading>
              <p>
                What you wrote sounds like things may be very hard right now. You can post it, and
                people here read with care, but they may not see it soon: the community is not a
                crisis service. If you might not be safe, please reach out now.
              </p>
              <ResourceList resources={waiting?.resources ?? null} />
              <div className="dialog-actions">
                <Button
                  className="button button-primary"
                  onPress={() => {
                    const post = waiting?.post;
                    close();
                    setWaiting(null);
                    if (post) void post();
                  }}
                >
                  Post it
                </Button>
                <Button className="button button-quiet" onPress={close} autoFocus>
                  Not now
                </Button>
              </div>
              <p className="quiet small cm-dialog-foot">
                Not now keeps your words in the form, saved on this device.
              </p>
            </>
          )}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );

  return { beforePosting, dialog };
}
