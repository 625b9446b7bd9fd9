import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router/dom';
import { AppProvider } from './app/provider';
import { createAppRouter } from './app/router';
import { createUserManager } from './lib/auth/user-manager';
import { createQueryClient } from './lib/query-client';
import { applyStoredTheme } from './lib/theme';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

applyStoredTheme();

createRoot(root).render(
  <StrictMode>
    <AppProvider queryClient={createQueryClient()} authClient={createUserManager()}>
      <RouterProvider router={createAppRouter()} />
    </AppProvider>
  </StrictMode>,
);
