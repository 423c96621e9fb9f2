// preact + htm: components are functions returning html`…` templates, no build step.
import htm from 'htm';
import { h } from 'preact';

export const html = htm.bind(h);
