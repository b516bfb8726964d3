import type { ReactNode } from 'react';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';

/**
 * A modal dialog opened by a button (react-aria: focus moves in and is trapped, Escape closes, focus returns to
 * the button).
 */
export function DialogButton({ label, title, children, variant }: { label: ReactNode; title: string; variant?: 'primary' | 'danger'; children: (close: () => void) => ReactNode }) {
  return (
    <DialogTrigger>
      <Button className={`button ${variant ?? ''}`}>{label}</Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog">
            {({ close }) => (
              <>
                <Heading slot="title">{title}</Heading>
                {children(close)}
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}

/** "Are you sure?" for actions that are hard to undo. */
export function ConfirmButton({ label, title, message, confirmLabel, onConfirm, variant = 'danger', isDisabled }: { label: string; title: string; message: ReactNode; confirmLabel: string; onConfirm(): void; variant?: 'primary' | 'danger'; isDisabled?: boolean }) {
  if (isDisabled)
    return (
      <Button className={`button ${variant}`} isDisabled>
        {label}
      </Button>
    );
  return (
    <DialogButton label={label} title={title} variant={variant}>
      {(close) => (
        <>
          <div className="dialog-body">{message}</div>
          <div className="dialog-actions">
            <Button className="button" onPress={close} autoFocus>
              Cancel
            </Button>
            <Button
              className={`button ${variant}`}
              onPress={() => {
                close();
                onConfirm();
              }}
            >
              {confirmLabel}
            </Button>
          </div>
        </>
      )}
    </DialogButton>
  );
}
