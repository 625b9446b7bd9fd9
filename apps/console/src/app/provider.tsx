import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { AuthProvider } from '../lib/auth/auth';
import type { AuthClient } from '../lib/auth/user-manager';
import { ToastProvider } from '../lib/toast';

/** The context every console screen expects above it; tests pass their own query client and a fake auth client. */
export function AppProvider({ queryClient, authClient, children }: { queryClient: QueryClient; authClient: AuthClient; children: ReactNode }) {
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider client={authClient}>
        <ToastProvider>{children}</ToastProvider>
      </AuthProvider>
    </QueryClientProvider>
  );
}
