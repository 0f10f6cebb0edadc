// Shared setup for every test file: the same polyfill the CLI loads first.
import '../lambdas/util/polyfills.js';
