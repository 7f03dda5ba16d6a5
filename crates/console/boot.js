// Loads the wasm console (built by `cargo xtask build`; wasm-bindgen writes thanthien_console.js beside this).
import init from './thanthien_console.js';
init();
