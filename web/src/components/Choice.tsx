import type { ReactNode } from 'react';
import { RadioButton, RadioField, Text } from 'react-aria-components';

/** One option of a radio group, shown as a card: the whole card chooses it. */
export function Choice({
  value,
  title,
  children,
  compact = false,
}: {
  value: string;
  title: ReactNode;
  children?: ReactNode;
  compact?: boolean;
}) {
  return (
    <RadioField value={value} className={compact ? 'choice choice-compact' : 'choice'}>
      <RadioButton className="choice-button">
        <span className="choice-mark" aria-hidden="true" />
        <span className="choice-title">{title}</span>
      </RadioButton>
      {children ? (
        <Text slot="description" className="choice-detail">
          {children}
        </Text>
      ) : null}
    </RadioField>
  );
}
