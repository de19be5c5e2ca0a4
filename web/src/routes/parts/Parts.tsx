import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import {
  Button,
  Dialog,
  DialogTrigger,
  FieldError,
  Form,
  Heading,
  Label,
  Modal,
  ModalOverlay,
  Text,
  TextArea,
  TextField,
} from 'react-aria-components';
import { Link } from 'react-router';
import type { ApiError, FieldErrors } from '../../api/client';
import {
  createPart,
  deletePart,
  type Part,
  partKeys,
  refreshParts,
  updatePart,
  useParts,
} from '../../api/parts';
import { useSubmit } from '../../api/useSubmit';
import { useAnnounce } from '../../components/Announcer';
import { FormMessage } from '../../components/FormMessage';
import { Page } from '../../components/Page';
import { SignedIn } from '../../components/SignedIn';
import { TextInput } from '../../components/TextInput';
import { useFormChecks } from '../../components/useFormChecks';
import './parts.css';

const LIST_HEADING = 'parts-list-heading';

const nameRule = (value: string) =>
  value.trim() === '' ? 'Please give the part a name. A word or two is enough.' : null;

/** A name already in use is about the name field; the server says it as a conflict. */
function fieldsFor(error: ApiError): FieldErrors {
  if (error.code === 'part_exists') return { name: error.message };
  return error.fields;
}

/** The note next to the field says it all; the form-wide message stays for everything else. */
function describe(error: ApiError): string | null {
  if (error.code === 'part_exists' || Object.keys(error.fields).length > 0) return '';
  return null;
}

function nameInput(form: HTMLFormElement | null): HTMLInputElement | null {
  return form?.querySelector<HTMLInputElement>('input[name="name"]') ?? null;
}

function inRecords(count: number): string {
  if (count === 0) return 'Not named in any record yet';
  return count === 1 ? 'Named in 1 record' : `Named in ${count} records`;
}

/**
 * Moves focus to an element by id once the screen has caught up (after a dialog has closed and
 * React Aria has put focus back where it was opened from, when it does).
 */
function useFocusLater(): (id: string) => void {
  const [target, setTarget] = useState<string | null>(null);
  useEffect(() => {
    if (target === null) return;
    const frame = requestAnimationFrame(() => {
      document.getElementById(target)?.focus();
      setTarget(null);
    });
    return () => cancelAnimationFrame(frame);
  }, [target]);
  return setTarget;
}

export default function PartsRoute() {
  return (
    <SignedIn>{(user) => (user.role === 'client' ? <PartsScreen /> : <ForClientsOnly />)}</SignedIn>
  );
}

function ForClientsOnly() {
  return (
    <Page title="Parts">
      <p>Naming parts is something clients can do for themselves in Attune.</p>
      <p>
        <Link to="/">Go to Today</Link>
      </p>
    </Page>
  );
}

function PartsScreen() {
  const parts = useParts();
  const focusLater = useFocusLater();

  return (
    <Page title="Your parts">
      <p className="lead">
        Some people notice different parts of themselves — a part that wants to run, one that wants
        to fight, a young part. If that fits you, you can name them here and tag them on what you
        write. If it doesn't, you can ignore this.
      </p>
      <p className="note">
        Only you see your parts. If you share a record with your therapist, the parts tagged on it
        stay with you.
      </p>

      <section aria-labelledby={LIST_HEADING} className="parts-section">
        <h2 id={LIST_HEADING} tabIndex={-1}>
          Parts you've named
        </h2>
        {parts.isPending ? <p className="quiet">Loading…</p> : null}
        {parts.isError ? (
          <div className="form-message" role="alert">
            <p>We couldn't load your parts just now.</p>
            <button
              type="button"
              className="button button-quiet"
              onClick={() => void parts.refetch()}
            >
              Try again
            </button>
          </div>
        ) : null}
        {parts.isSuccess && parts.data.length === 0 ? (
          <p className="quiet">
            None yet. If it fits you, you can name one below; a word or two is enough.
          </p>
        ) : null}
        {parts.isSuccess && parts.data.length > 0 ? (
          <>
            <p className="quiet small">The ones that come up most in your records are first.</p>
            <ul className="parts-list">
              {parts.data.map((part) => (
                <PartRow key={part.id} part={part} focusLater={focusLater} />
              ))}
            </ul>
          </>
        ) : null}
      </section>

      <section aria-labelledby="add-part-heading" className="card parts-add">
        <h2 id="add-part-heading">Name a part</h2>
        <AddPartForm />
      </section>
    </Page>
  );
}

function AddPartForm() {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const formRef = useRef<HTMLFormElement>(null);
  const checks = useFormChecks(formRef);
  const submit = useSubmit<Part>({ describe, fieldsFor });
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    if (!checks.passes([nameRule(name)])) return;
    const result = await submit.run(() =>
      createPart({ name: name.trim(), description: description.trim() || null }),
    );
    if (result.ok) {
      await refreshParts(queryClient);
      announce(`Added ${result.value.name}.`);
      checks.reset();
      setName('');
      setDescription('');
      // Ready for another, if there is one.
      nameInput(formRef.current)?.focus();
    } else {
      checks.focusFirstInvalid();
    }
  }

  return (
    <Form
      ref={formRef}
      className="form form-tight"
      onSubmit={onSubmit}
      validationBehavior="aria"
      validationErrors={submit.fieldErrors}
      aria-labelledby="add-part-heading"
    >
      <FormMessage message={submit.message} />
      <TextInput
        label="Name"
        description="Whatever you call this part."
        name="name"
        autoComplete="off"
        isRequired
        value={name}
        onChange={(value) => {
          setName(value);
          submit.clearFieldError('name');
        }}
        validate={checks.show(nameRule)}
      />
      <DescriptionField
        value={description}
        onChange={(value) => {
          setDescription(value);
          submit.clearFieldError('description');
        }}
      />
      <Button type="submit" className="button button-primary">
        {submit.pending ? 'Adding…' : 'Add part'}
      </Button>
    </Form>
  );
}

function DescriptionField({
  value,
  onChange,
}: {
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <TextField name="description" className="field" value={value} onChange={onChange}>
      <Label className="field-label">A few words about it (optional)</Label>
      <Text slot="description" className="field-description">
        For example, when it shows up or what it wants for you.
      </Text>
      <TextArea className="field-input field-textarea parts-textarea" rows={3} />
      <FieldError className="field-error" />
    </TextField>
  );
}

function PartRow({ part, focusLater }: { part: Part; focusLater: (id: string) => void }) {
  const [editing, setEditing] = useState(false);
  const editId = `part-edit-${part.id}`;

  if (editing) {
    return (
      <li className="card part">
        <EditPartForm
          part={part}
          onDone={() => {
            setEditing(false);
            focusLater(editId);
          }}
        />
      </li>
    );
  }

  return (
    <li className="card part">
      <h3 className="part-name">{part.name}</h3>
      {part.description ? <p className="part-description">{part.description}</p> : null}
      <p className="quiet small part-count">{inRecords(part.ruptureCount)}</p>
      <div className="actions">
        <button
          id={editId}
          type="button"
          className="button button-quiet button-small"
          onClick={() => setEditing(true)}
        >
          Edit<span className="visually-hidden"> {part.name}</span>
        </button>
        <RemovePart part={part} focusLater={focusLater} />
      </div>
    </li>
  );
}

function EditPartForm({ part, onDone }: { part: Part; onDone: () => void }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const formRef = useRef<HTMLFormElement>(null);
  const checks = useFormChecks(formRef);
  const submit = useSubmit<Part>({ describe, fieldsFor });
  const [name, setName] = useState(part.name);
  const [description, setDescription] = useState(part.description ?? '');
  const headingId = `part-edit-heading-${part.id}`;

  useEffect(() => {
    nameInput(formRef.current)?.focus();
  }, []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submit.pending) return;
    if (!checks.passes([nameRule(name)])) return;
    const result = await submit.run(() =>
      updatePart(part.id, { name: name.trim(), description: description.trim() || null }),
    );
    if (result.ok) {
      queryClient.setQueryData<Part[]>(partKeys.all, (current) =>
        current?.map((p) => (p.id === part.id ? result.value : p)),
      );
      void refreshParts(queryClient);
      announce(`Saved ${result.value.name}.`);
      onDone();
    } else {
      checks.focusFirstInvalid();
    }
  }

  return (
    <Form
      ref={formRef}
      className="form form-tight part-edit"
      onSubmit={onSubmit}
      validationBehavior="aria"
      validationErrors={submit.fieldErrors}
      aria-labelledby={headingId}
    >
      <h3 id={headingId} className="part-name">
        Edit “{part.name}”
      </h3>
      <FormMessage message={submit.message} />
      <TextInput
        label="Name"
        name="name"
        autoComplete="off"
        isRequired
        value={name}
        onChange={(value) => {
          setName(value);
          submit.clearFieldError('name');
        }}
        validate={checks.show(nameRule)}
      />
      <DescriptionField
        value={description}
        onChange={(value) => {
          setDescription(value);
          submit.clearFieldError('description');
        }}
      />
      <div className="actions">
        <Button type="submit" className="button button-primary button-small">
          {submit.pending ? 'Saving…' : 'Save'}
        </Button>
        <Button className="button button-quiet button-small" onPress={onDone}>
          Cancel
        </Button>
      </div>
    </Form>
  );
}

function RemovePart({ part, focusLater }: { part: Part; focusLater: (id: string) => void }) {
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const count = part.ruptureCount;

  async function remove(close: () => void) {
    if (pending) return;
    setPending(true);
    setProblem(null);
    try {
      await deletePart(part.id);
    } catch {
      setPending(false);
      setProblem("We couldn't remove it just now. Please try again.");
      return;
    }
    close();
    queryClient.setQueryData<Part[]>(partKeys.all, (current) =>
      current?.filter((p) => p.id !== part.id),
    );
    void refreshParts(queryClient);
    // Records that named it show it no more.
    void queryClient.invalidateQueries({ queryKey: ['rupture'] });
    void queryClient.invalidateQueries({ queryKey: ['ruptures'] });
    announce(`Removed ${part.name}.`);
    focusLater(LIST_HEADING);
  }

  return (
    <DialogTrigger onOpenChange={() => setProblem(null)}>
      <Button className="button button-quiet button-small">
        Remove<span className="visually-hidden"> {part.name}</span>
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog">
            {({ close }) => (
              <>
                <Heading slot="title">Remove “{part.name}”?</Heading>
                {count > 0 ? (
                  <p>
                    Its tag comes off the {count === 1 ? 'record' : `${count} records`} that{' '}
                    {count === 1 ? 'names' : 'name'} it. The records themselves stay, with
                    everything you wrote in them.
                  </p>
                ) : (
                  <p>It isn't tagged on any record, so nothing else changes.</p>
                )}
                <p>You can name it again whenever you like.</p>
                {problem ? (
                  <p role="alert" className="form-message">
                    {problem}
                  </p>
                ) : null}
                <div className="dialog-actions">
                  <Button className="button button-quiet" onPress={close} autoFocus>
                    Keep it
                  </Button>
                  <Button className="button button-primary" onPress={() => void remove(close)}>
                    {pending ? 'Removing…' : 'Remove the part'}
                  </Button>
                </div>
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}
