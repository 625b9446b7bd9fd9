import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';

/** One message shown after an action. */
export interface Toast {
  id: number;
  kind: 'success' | 'error';
  message: string;
}

/** What {@link useToast} gives a component. */
export interface Toaster {
  success(message: string): void;
  error(message: string): void;
}

const ToastContext = createContext<Toaster | null>(null);

const TOAST_MS = 6000;

/**
 * Shows short messages after actions in a live region (polite for successes, assertive for errors),
 * each dismissable and gone after a few seconds.
 */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((toast) => toast.id !== id)), []);
  const show = useCallback((kind: Toast['kind'], message: string) => {
    const id = next.current++;
    setToasts((all) => [...all.slice(-3), { id, kind, message }]);
    window.setTimeout(() => dismiss(id), TOAST_MS);
  }, [dismiss]);

  const toaster = useMemo<Toaster>(() => ({
    success: (message) => show('success', message),
    error: (message) => show('error', message),
  }), [show]);

  return (
    <ToastContext.Provider value={toaster}>
      {children}
      <div className="toasts" aria-live="polite">
        {toasts.filter((t) => t.kind === 'success').map((toast) => <ToastItem key={toast.id} toast={toast} onDismiss={dismiss} />)}
      </div>
      <div className="toasts toasts-errors" aria-live="assertive">
        {toasts.filter((t) => t.kind === 'error').map((toast) => <ToastItem key={toast.id} toast={toast} onDismiss={dismiss} />)}
      </div>
    </ToastContext.Provider>
  );
}

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  return (
    <div className="toast" data-kind={toast.kind}>
      <span>{toast.message}</span>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => onDismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}

/** Shows toasts; must be used below {@link ToastProvider}. */
export function useToast(): Toaster {
  const toaster = useContext(ToastContext);
  if (!toaster) throw new Error('useToast must be used inside <ToastProvider>');
  return toaster;
}
