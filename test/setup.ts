// Polyfills and shared setup for every test file.
