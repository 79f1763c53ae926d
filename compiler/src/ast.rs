//! The abstract syntax tree: the .gan text as written, with a span on every node.
//!
//! Pest types never leave the `parse` module; everything downstream sees these types.

use crate::source::Span;
use serde::Serialize;

/// An identifier together with where it was written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ident {
    /// The name as written.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

/// One parsed `.gan` file.
#[derive(Debug, Clone, Serialize)]
pub struct File {
    /// `gan [version] name`.
    pub header: Header,
    /// Top-level items in source order.
    pub items: Vec<Item>,
}

/// The first line: the model's name and an optional language version.
#[derive(Debug, Clone, Serialize)]
pub struct Header {
    /// The model's name (used for run directories).
    pub name: Ident,
    /// Language version such as `0.1`, when given.
    pub version: Option<(String, Span)>,
}

/// A top-level declaration.
#[derive(Debug, Clone, Serialize)]
pub enum Item {
    /// `import "file.gan" { a, b }`.
    Import(Import),
    /// `dims { Z = 100 }`: one entry per constant.
    Dims(Vec<DimDef>),
    /// `data x: [B, 1, 28, 28] from mnist(...)`.
    Data(InputDecl),
    /// `latent z: [B, Z] ~ normal(0, 1)`.
    Latent(InputDecl),
    /// `cond y: class(10) from x.label`.
    Cond(InputDecl),
    /// `block name(params)(inputs) -> outputs { ... }`.
    Block(NetworkDef),
    /// `generator|discriminator|encoder|network Name(inputs) -> outputs { ... }`.
    Network(NetworkDef),
    /// `game { ... }`.
    Game(Section),
    /// `train { ... }`.
    Train(Section),
}

/// `import "path" { names }`.
#[derive(Debug, Clone, Serialize)]
pub struct Import {
    /// The path as written (relative to the importing file).
    pub path: String,
    /// Span of the path string.
    pub path_span: Span,
    /// The block names imported.
    pub names: Vec<Ident>,
    /// Span of the whole import.
    pub span: Span,
}

/// `NAME = expr` inside `dims`.
#[derive(Debug, Clone, Serialize)]
pub struct DimDef {
    /// The constant's name.
    pub name: Ident,
    /// Its value (integer arithmetic).
    pub value: Expr,
}

/// A `data`, `latent` or `cond` declaration: a name, a type and where values come from.
#[derive(Debug, Clone, Serialize)]
pub struct InputDecl {
    /// Declared name.
    pub name: Ident,
    /// Declared type.
    pub ty: TypeExpr,
    /// `from <source>` for data and cond, `~ <prior>` for latents.
    pub source: Expr,
    /// Span of the whole declaration.
    pub span: Span,
}

/// A type as written in a signature or declaration.
#[derive(Debug, Clone, Serialize)]
pub enum TypeExpr {
    /// `[B, 1, 28, 28]`: dimension expressions.
    Shape(Vec<Expr>, Span),
    /// `class(10)`: integer labels with this many classes, one per sample.
    Class(Expr, Span),
    /// `int`: a block parameter.
    Int(Span),
    /// `float`: a block parameter.
    Float(Span),
}

impl TypeExpr {
    /// Where the type was written.
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Shape(_, s)
            | TypeExpr::Class(_, s)
            | TypeExpr::Int(s)
            | TypeExpr::Float(s) => *s,
        }
    }
}

/// The role a network plays; blocks are parsed with the same structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Role {
    /// `generator`.
    Generator,
    /// `discriminator`.
    Discriminator,
    /// `encoder`.
    Encoder,
    /// `network`: a generic trainable network.
    Network,
    /// `block`: a reusable parameterised sub-graph.
    Block,
}

/// A named parameter or input with its type.
#[derive(Debug, Clone, Serialize)]
pub struct Param {
    /// Its name.
    pub name: Ident,
    /// Its declared type.
    pub ty: TypeExpr,
}

/// A network or block definition.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkDef {
    /// Role keyword (`Block` for blocks).
    pub role: Role,
    /// The network's name.
    pub name: Ident,
    /// Compile-time parameters (blocks only): `(c: int, slope: float)`.
    pub params: Vec<Param>,
    /// Tensor inputs.
    pub inputs: Vec<Param>,
    /// Declared outputs: one unnamed output or several named ones.
    pub outputs: Outputs,
    /// Body statements in order.
    pub body: Vec<Stmt>,
    /// Span of the whole definition.
    pub span: Span,
}

/// Declared outputs of a network or block.
#[derive(Debug, Clone, Serialize)]
pub enum Outputs {
    /// `-> [B, 1]`.
    Single(TypeExpr),
    /// `-> (adv: [B, 1], q: [B, 10])`.
    Named(Vec<Param>),
}

/// A statement in a network body.
#[derive(Debug, Clone, Serialize)]
pub enum Stmt {
    /// `name = expr`.
    Bind(Ident, Expr),
    /// `return expr` (span of the keyword).
    Return(Expr, Span),
    /// `return (a: expr, b: expr)`.
    ReturnNamed(Vec<(Ident, Expr)>, Span),
}

/// An expression: tensor graph, dimension arithmetic or a setting value.
#[derive(Debug, Clone, Serialize)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

/// The kinds of expression.
#[derive(Debug, Clone, Serialize)]
pub enum ExprKind {
    /// An integer literal; kept as text so that overflow is reported, not a panic.
    Int(String),
    /// A floating point literal.
    Float(f64),
    /// A string literal.
    Str(String),
    /// A name: a binding, input, dim, layer without arguments, setting word.
    Name(String),
    /// `[a, b, c]`.
    List(Vec<Expr>),
    /// `-e`.
    Neg(Box<Expr>),
    /// `a op b`.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `f(args)`: a layer, block, network, function or constructor.
    Call(Call),
    /// `e.name`: a label of a data input, a named output or feature of a network.
    Member(Box<Expr>, Ident),
    /// `e -> stage -> stage`: `stages` are calls, names or repeats.
    Chain(Box<Expr>, Vec<Expr>),
    /// `repeat N { stage -> stage }`: a chain stage applied N times.
    Repeat(Box<Expr>, Vec<Expr>),
}

/// A call `name(args)`.
#[derive(Debug, Clone, Serialize)]
pub struct Call {
    /// The callee's name.
    pub callee: Ident,
    /// Positional arguments, in order.
    pub args: Vec<Expr>,
    /// Named arguments `k: v`, in order.
    pub named: Vec<(Ident, Expr)>,
}

/// A `game` or `train` section.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Entries in order.
    pub entries: Vec<Entry>,
    /// Span of the section keyword and braces.
    pub span: Span,
}

/// `key [subject]: value [trains A, B]`.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// The setting's key, e.g. `loss`, `optim`, `term`.
    pub key: Ident,
    /// The optional subject, e.g. the network in `optim G:` or the term name in `term recon:`.
    pub subject: Option<Ident>,
    /// The value.
    pub value: Expr,
    /// Networks named after `trains`, when given.
    pub trains: Vec<Ident>,
    /// Span of the whole entry.
    pub span: Span,
}
