// Shared setup for every test file: the same polyfill the CLI loads first.
import '../cli/polyfills.js';
