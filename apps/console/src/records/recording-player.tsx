import { useRef, useState } from "react";
import { useSession } from "../session/session.js";
import { combinedErrorMessage } from "../ui/combined-error-message.js";
import { CallRecordLinkQuery } from "./call-record-operations.js";
import { linkIsFresh } from "./recording-freshness.js";

/** Why no playable link could be had. */
class RecordingLinkError extends Error {
  override name = "RecordingLinkError";
  readonly code = "NO_LINK";
}

/**
 * Play an archived recording in the row. The `<audio>` element sends no credentials, so it plays the gateway's
 * short-lived signed link; an expired link (by its `expiresAt`, or because the element failed to load it) is
 * replaced by a fresh one asked from the gateway, once per press of Play.
 */
export function RecordingPlayer(props: { icid: string; link: { url: string; expiresAt: string } }) {
  const { client } = useSession();
  const [src, setSrc] = useState<string>();
  // Each load gets a new <audio> element: a renewed link can be the very same URL (links asked within the
  // same second are identical), and an element that failed does not load its src again by itself.
  const [loads, setLoads] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const renewed = useRef(false);

  async function freshLink(): Promise<string> {
    const result = await client.urql
      .query(CallRecordLinkQuery, { icid: props.icid }, { requestPolicy: "network-only" })
      .toPromise();
    if (result.error) throw new RecordingLinkError(combinedErrorMessage(result.error));
    const link = result.data?.callRecord?.recording.url;
    if (!link)
      throw new RecordingLinkError("The gateway gave no link to this recording (is it still archived?).");
    return link.url;
  }

  async function load(renew: boolean) {
    setError(undefined);
    if (!renew && linkIsFresh(props.link, Date.now())) {
      setSrc(props.link.url);
      setLoads((n) => n + 1);
      return;
    }
    setBusy(true);
    try {
      setSrc(await freshLink());
      setLoads((n) => n + 1);
    } catch (caught) {
      setSrc(undefined);
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  }

  function play() {
    renewed.current = false;
    void load(false);
  }

  function onAudioError() {
    // The link may have expired between asking and loading (or mid-download): one fresh link, then give up.
    if (renewed.current) {
      setSrc(undefined);
      setError("The recording could not be played.");
      return;
    }
    renewed.current = true;
    void load(true);
  }

  return (
    <div className="recording-player">
      {src ? (
        <>
          {/* biome-ignore lint/a11y/useMediaCaption: a phone call's recording has no captions to offer. */}
          <audio
            key={loads}
            src={src}
            controls
            autoPlay
            preload="auto"
            aria-label={`Recording of call ${props.icid}`}
            onError={onAudioError}
          />
          <button type="button" className="link" onClick={() => setSrc(undefined)}>
            Close player
          </button>
        </>
      ) : (
        <button
          type="button"
          onClick={play}
          disabled={busy}
          aria-label={`Play recording of call ${props.icid}`}
        >
          {busy ? "Getting link…" : "▶ Play"}
        </button>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}
