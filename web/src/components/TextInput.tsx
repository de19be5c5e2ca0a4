import type { ReactNode } from 'react';
import {
  FieldError,
  Input,
  Label,
  Text,
  TextField,
  type TextFieldProps,
} from 'react-aria-components';

type TextInputProps = Omit<TextFieldProps, 'children' | 'className'> & {
  label: ReactNode;
  description?: ReactNode;
};

/** A labelled text field; its description and error are tied to the input for screen readers. */
export function TextInput({ label, description, ...props }: TextInputProps) {
  return (
    <TextField {...props} className="field">
      <Label className="field-label">{label}</Label>
      {description ? (
        <Text slot="description" className="field-description">
          {description}
        </Text>
      ) : null}
      <Input className="field-input" />
      <FieldError className="field-error" />
    </TextField>
  );
}
