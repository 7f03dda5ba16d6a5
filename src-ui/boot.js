// Loads the wasm UI (built by `cargo xtask build`; wasm-bindgen writes thanthien_ui.js beside this).
import init from './thanthien_ui.js';
init();
