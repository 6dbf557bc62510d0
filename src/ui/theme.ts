import { createContext } from 'react';

/** Colour on or off for the whole app: off under NO_COLOR, TERM=dumb, or without a colour terminal. */
export interface Theme {
  readonly color: boolean;
}

export const ThemeContext = createContext<Theme>({ color: true });
