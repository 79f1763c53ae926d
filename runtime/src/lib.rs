pub use ganc_compiler;
