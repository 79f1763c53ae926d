//! The HIR: what resolve produces. Imports are loaded, dims evaluated, names in bodies
//! checked, block names bound per module, and network signatures evaluated to concrete types.
//! Block instantiation needs the actual input shapes, so it happens in the checker.

use crate::ast::NetworkDef;
use crate::graph::{NetRole, ValueType};
use crate::resolve::dims::DimEnv;
use crate::source::{SourceId, Span};
use serde::Serialize;

/// A resolved program: modules, blocks and networks.
#[derive(Debug, Clone, Serialize)]
pub struct Hir {
    /// The model's name.
    pub name: String,
    /// Loaded files; index 0 is the main file.
    pub modules: Vec<Module>,
    /// Every block of every loaded file.
    pub blocks: Vec<Block>,
    /// The main file's networks, in source order.
    pub networks: Vec<HirNetwork>,
}

impl Hir {
    /// The main file's dims as an environment.
    pub fn dim_env(&self) -> DimEnv {
        self.modules
            .first()
            .map(Module::dim_env)
            .unwrap_or_default()
    }
}

/// One loaded file.
#[derive(Debug, Clone, Serialize)]
pub struct Module {
    /// The path as shown in diagnostics.
    pub path: String,
    /// Its source id.
    pub source: SourceId,
    /// Its `dims` constants in order.
    pub dims: Vec<(String, i64)>,
    /// Block names visible in this file (defined or imported), with their index in
    /// [`Hir::blocks`].
    pub blocks: Vec<(String, usize)>,
}

impl Module {
    /// The dims as an environment.
    pub fn dim_env(&self) -> DimEnv {
        let mut env = DimEnv::new();
        for (k, v) in &self.dims {
            env.insert(k.clone(), *v);
        }
        env
    }

    /// The block visible under `name`.
    pub fn block(&self, name: &str) -> Option<usize> {
        self.blocks.iter().find(|(n, _)| n == name).map(|(_, i)| *i)
    }
}

/// A block definition and the file it belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct Block {
    /// Its name.
    pub name: String,
    /// Index of its module (whose dims and blocks its body sees).
    pub module: usize,
    /// Whether it uses itself (reported; never instantiated).
    pub recursive: bool,
    /// The definition.
    pub def: NetworkDef,
}

/// A network with its signature evaluated.
#[derive(Debug, Clone, Serialize)]
pub struct HirNetwork {
    /// Its name.
    pub name: String,
    /// Its role.
    pub role: NetRole,
    /// Inputs with concrete types (None when the signature had errors).
    pub inputs: Option<Vec<HirPort>>,
    /// Outputs with concrete types (None when the signature had errors).
    pub outputs: Option<Vec<HirPort>>,
    /// Whether outputs were declared by name.
    pub named_outputs: bool,
    /// The definition (body in AST form; names checked).
    pub def: NetworkDef,
}

/// A typed input or output.
#[derive(Debug, Clone, Serialize)]
pub struct HirPort {
    /// Its name (`out` for an unnamed single output).
    pub name: String,
    /// Its type.
    pub ty: ValueType,
    /// Where it was declared.
    pub span: Span,
}
