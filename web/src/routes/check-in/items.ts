/**
 * Attune's own check-in (PRODUCT.md): plain words, not a licensed or validated instrument. The
 * therapist's version mirrors the client's, about the client.
 */

export const ITEMS = ['bond', 'goals', 'method', 'overall'] as const;
export type Item = (typeof ITEMS)[number];

export const ITEM_MAX = 10;
export const SCORE_MAX = ITEMS.length * ITEM_MAX;

export function itemWording(item: Item, role: 'client' | 'therapist', clientName: string): string {
  if (role === 'client') {
    switch (item) {
      case 'bond':
        return 'I felt heard, understood and respected';
      case 'goals':
        return 'We worked on what I wanted to work on';
      case 'method':
        return 'The way we worked suited me';
      case 'overall':
        return "Overall, today's session was right for me";
    }
  }
  switch (item) {
    case 'bond':
      return `I think ${clientName} felt heard, understood and respected`;
    case 'goals':
      return `We worked on what ${clientName} wanted to work on`;
    case 'method':
      return `The way we worked suited ${clientName}`;
    case 'overall':
      return `Overall, today's session was right for ${clientName}`;
  }
}

export const TENSION_QUESTION = 'Was there tension, a misunderstanding or distance between us?';
export const EASED_QUESTION = 'How much was it eased by the end?';

export const NOT_A_TEST =
  "This check-in is Attune's own: a few plain questions, not a validated clinical test. It helps you notice how things are between you. It doesn't measure you.";
