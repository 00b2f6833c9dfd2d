import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// the UI tests drive whole dialogs and tables; on a busy shared CI machine they need more than the defaults
jest.setTimeout(60_000);
configure({ asyncUtilTimeout: 10_000 });
