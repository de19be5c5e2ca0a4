import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import {
  Button,
  Dialog,
  DialogTrigger,
  Form,
  Heading,
  Modal,
  ModalOverlay,
  SwitchButton,
  SwitchField,
  Text,
} from 'react-aria-components';
import { type Relationship, refresh, updateRelationship } from '../../api/relationships';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { FormMessage } from '../../components/FormMessage';
import { TextInput } from '../../components/TextInput';
import { useFormChecks } from '../../components/useFormChecks';

const nameRule = (value: string) =>
  value.trim() === '' ? "Please write your therapist's name (a first name is enough)." : null;

/** The client's settings for one relationship: the name, how sensitive markers are, ending it. */
export function RelationshipSettings({ relationship }: { relationship: Relationship }) {
  return (
    <section aria-labelledby="settings-heading" className="settings">
      <h2 id="settings-heading">Settings for this relationship</h2>
      <Rename relationship={relationship} />
      <Sensitivity relationship={relationship} />
      <EndOrReopen relationship={relationship} />
    </section>
  );
}

function Rename({ relationship }: { relationship: Relationship }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const formRef = useRef<HTMLFormElement>(null);
  const checks = useFormChecks(formRef);
  const submit = useSubmit<Relationship>();
  const [name, setName] = useState(relationship.therapistName);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    if (!checks.passes([nameRule(name)])) return;
    const result = await submit.run(() =>
      updateRelationship(relationship.id, { therapistName: name.trim() }),
    );
    if (result.ok) {
      await refresh(queryClient, relationship.id);
      announce(`Saved. Your therapist's name is now ${result.value.therapistName}.`);
    } else {
      checks.focusFirstInvalid();
    }
  }

  return (
    <Form
      ref={formRef}
      className="form form-tight card"
      onSubmit={onSubmit}
      validationBehavior="aria"
      validationErrors={submit.fieldErrors}
      aria-label="Your therapist's name"
    >
      <FormMessage message={submit.message} />
      <TextInput
        label="Your therapist's name"
        description="However you like to call them."
        name="therapistName"
        isRequired
        value={name}
        onChange={(value) => {
          setName(value);
          submit.clearFieldError('therapistName');
        }}
        validate={checks.show(nameRule)}
      />
      <Button type="submit" className="button button-quiet">
        {submit.pending ? 'Saving…' : 'Save name'}
      </Button>
    </Form>
  );
}

function Sensitivity({ relationship }: { relationship: Relationship }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const sensitive = relationship.sensitivity === 'sensitive';

  async function change(next: boolean) {
    if (pending) return;
    setPending(true);
    setProblem(null);
    try {
      await updateRelationship(relationship.id, {
        sensitivity: next ? 'sensitive' : 'standard',
      });
      await refresh(queryClient, relationship.id);
      announce(
        next
          ? 'Saved. Attune will also point out smaller changes.'
          : 'Saved. Attune will point out only clearer changes.',
      );
    } catch {
      setProblem("We couldn't change this just now. Please try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="card">
      <SwitchField
        className="switch-field"
        isSelected={sensitive}
        onChange={(next) => void change(next)}
      >
        <SwitchButton className="switch">
          <span className="switch-track" aria-hidden="true">
            <span className="switch-knob" />
          </span>
          Notice smaller changes
        </SwitchButton>
        <Text slot="description" className="field-description">
          Attune compares each check-in with your few before it. Usually it points out a check-in
          only when it is clearly lower than your usual ups and downs. With this on, it also points
          out smaller dips. Either way it only asks; it never decides anything.
        </Text>
      </SwitchField>
      {problem ? (
        <p role="alert" className="field-error">
          {problem}
        </p>
      ) : null}
    </div>
  );
}

function EndOrReopen({ relationship }: { relationship: Relationship }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const [problem, setProblem] = useState<string | null>(null);
  const name = relationship.therapistName;
  const connected = relationship.mode === 'connected';

  async function setStatus(status: Relationship['status'], close?: () => void) {
    setProblem(null);
    try {
      await updateRelationship(relationship.id, { status });
      await refresh(queryClient, relationship.id);
      close?.();
      announce(
        status === 'ended'
          ? `Your relationship with ${name} is ended. Its history is kept.`
          : `Your relationship with ${name} is open again.`,
      );
    } catch {
      setProblem("We couldn't change this just now. Please try again.");
    }
  }

  if (relationship.status === 'ended') {
    return (
      <div className="card">
        <p>This relationship has ended. Everything in it is kept.</p>
        <button
          type="button"
          className="button button-quiet"
          onClick={() => void setStatus('active')}
        >
          Reopen it
        </button>
        {problem ? (
          <p role="alert" className="field-error">
            {problem}
          </p>
        ) : null}
      </div>
    );
  }

  return (
    <div className="card">
      <p>
        If therapy with {name} has ended, you can move this relationship to Past. Nothing is
        deleted.
      </p>
      <DialogTrigger>
        <Button className="button button-quiet">End this relationship</Button>
        <ModalOverlay className="modal-overlay" isDismissable>
          <Modal className="modal">
            <Dialog className="dialog">
              {({ close }) => (
                <>
                  <Heading slot="title">End your relationship with {name}?</Heading>
                  <p>
                    Its history is kept: your sessions and check-ins stay here, under Past on Today,
                    and you can look back at them or reopen it at any time.
                  </p>
                  {connected ? (
                    <p>
                      {name} stays connected to this history and can still see what you shared. It
                      moves off their list of current clients.
                    </p>
                  ) : null}
                  {problem ? (
                    <p role="alert" className="form-message">
                      {problem}
                    </p>
                  ) : null}
                  <div className="dialog-actions">
                    <Button className="button button-quiet" onPress={close} autoFocus>
                      Keep it open
                    </Button>
                    <Button
                      className="button button-primary"
                      onPress={() => void setStatus('ended', close)}
                    >
                      End it, keep the history
                    </Button>
                  </div>
                </>
              )}
            </Dialog>
          </Modal>
        </ModalOverlay>
      </DialogTrigger>
    </div>
  );
}
