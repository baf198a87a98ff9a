import "./modal-dialog.css";
import { type ReactNode, useEffect, useId, useRef } from "react";

/**
 * A modal dialog on the browser's own <dialog>: focus moves into it and stays there, Escape closes it, and the
 * page behind is inert. Rendered only while open; `onClose` is told of Escape and of the close button.
 */
export function ModalDialog(props: {
  title: string;
  onClose(): void;
  children: ReactNode;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      className={["modal", props.className].filter(Boolean).join(" ")}
      onCancel={(event) => {
        // Escape: let React's state decide, so the dialog and the page never disagree.
        event.preventDefault();
        props.onClose();
      }}
    >
      <header>
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" className="link" aria-label="Close" onClick={props.onClose}>
          ×
        </button>
      </header>
      {props.children}
    </dialog>
  );
}
