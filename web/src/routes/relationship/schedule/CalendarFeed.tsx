import { useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { newCalendarToken, scheduleKeys, useCalendarToken } from '../../../api/schedule';
import { useAnnounce } from '../../../components/Announcer';
import { ConfirmDialog } from '../../../components/ConfirmDialog';

/** The calendar address: a private link a calendar app can follow, and a way to replace it. */
export function CalendarFeed() {
  const token = useCalendarToken();
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const url = token.data ? new URL(token.data.url, window.location.origin).toString() : '';

  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('Copied.');
      announce('Your calendar address is copied.');
    } catch {
      inputRef.current?.select();
      setCopied(
        "We couldn't copy it for you: the address is selected, so you can copy it yourself.",
      );
    }
  }

  return (
    <section aria-labelledby="feed-heading" className="schedule-section">
      <h3 id="feed-heading">Your calendar address</h3>
      <p className="quiet">
        Add this address to your calendar app, and your appointments appear there and stay up to
        date. Anyone who has the address can see your appointment times, titled only “Therapy”;
        nothing else.
      </p>
      {token.isPending ? <p className="quiet">Loading…</p> : null}
      {token.isError ? (
        <p className="quiet">
          We couldn't load your calendar address just now.{' '}
          <button
            type="button"
            className="button button-quiet button-small"
            onClick={() => void token.refetch()}
          >
            Try again
          </button>
        </p>
      ) : null}
      {token.data ? (
        <>
          <div className="field">
            <label className="field-label" htmlFor={id}>
              Calendar address
            </label>
            <div className="copy-row">
              <input
                ref={inputRef}
                id={id}
                className="field-input"
                readOnly
                value={url}
                onFocus={(event) => event.currentTarget.select()}
              />
              <button type="button" className="button button-quiet" onClick={() => void copy()}>
                Copy address
              </button>
            </div>
            {copied ? <p className="quiet small">{copied}</p> : null}
          </div>
          <ConfirmDialog
            trigger="Make a new address"
            title="Make a new calendar address?"
            confirm="Make a new one"
            keep="Keep this one"
            onConfirm={async () => {
              const fresh = await newCalendarToken();
              queryClient.setQueryData(scheduleKeys.calendarToken, fresh);
              setCopied(null);
              announce('Your new calendar address is ready. The old one no longer works.');
            }}
          >
            <p>
              The old address stops working: calendars that use it stop showing your appointments.
              Add the new one where you want them to appear.
            </p>
          </ConfirmDialog>
        </>
      ) : null}
    </section>
  );
}
