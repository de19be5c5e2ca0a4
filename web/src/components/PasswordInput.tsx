import { type ReactNode, useState } from 'react';
import {
  FieldError,
  Input,
  Label,
  Text,
  TextField,
  type TextFieldProps,
  ToggleButton,
} from 'react-aria-components';

type PasswordInputProps = Omit<TextFieldProps, 'children' | 'className' | 'type'> & {
  label: ReactNode;
  description?: ReactNode;
};

/** A password field with a button to show what was typed (typing blind is hard for many). */
export function PasswordInput({ label, description, ...props }: PasswordInputProps) {
  const [visible, setVisible] = useState(false);
  return (
    <TextField {...props} type={visible ? 'text' : 'password'} isRequired className="field">
      <Label className="field-label">{label}</Label>
      {description ? (
        <Text slot="description" className="field-description">
          {description}
        </Text>
      ) : null}
      <div className="password-row">
        <Input className="field-input" spellCheck={false} autoCapitalize="off" />
        <ToggleButton
          className="button button-quiet show-password"
          isSelected={visible}
          onChange={setVisible}
        >
          Show<span className="visually-hidden"> password</span>
        </ToggleButton>
      </div>
      <FieldError className="field-error" />
    </TextField>
  );
}
