//! The layer catalogue: for each layer keyword its arguments, shape rule and parameter
//! counts (matching PyTorch's `nn` modules). One file per family.

pub mod args;
mod conv;
mod dense;
mod norm;
mod pointwise;
mod resize;

pub use args::Consts;

use crate::ast::{Call, ExprKind};
use crate::diagnostics::{codes, Diagnostic};
use crate::graph::{Op, Shape, ValueType};
use crate::source::Span;

/// Every layer keyword usable as a chain stage.
pub const NAMES: &[&str] = &[
    "linear",
    "conv",
    "deconv",
    "conv3d",
    "deconv3d",
    "batchnorm",
    "instancenorm",
    "layernorm",
    "groupnorm",
    "virtual_batchnorm",
    "dropout",
    "relu",
    "leaky_relu",
    "elu",
    "prelu",
    "tanh",
    "sigmoid",
    "softplus",
    "reshape",
    "flatten",
    "upsample",
    "avgpool",
    "maxpool",
    "zeropad",
    "reflectpad",
    "pixel_shuffle",
    "embedding",
    "embed",
    "onehot",
    "minibatch_discrimination",
    "spectral",
    "cat",
    "add",
];

/// Whether `name` is a layer keyword.
pub fn is_layer(name: &str) -> bool {
    NAMES.contains(&name)
}

/// A layer applied to a concrete input: its resolved op, output type and sizes.
#[derive(Debug, Clone)]
pub struct Built {
    /// The resolved operation.
    pub op: Op,
    /// The output type.
    pub out: ValueType,
    /// Trainable parameters.
    pub params: u64,
    /// Buffers (non-trainable state).
    pub buffers: u64,
    /// Warnings about a legal but suspicious use (e.g. a convolution dropping input rows).
    pub warnings: Vec<Diagnostic>,
}

/// Why a layer could not be applied: the diagnostic and, for size problems, which non-batch
/// axis of the input was at fault (so the checker can show where that size came from).
#[derive(Debug, Clone)]
pub struct Failure {
    /// The report (primary label on the layer).
    pub diag: Diagnostic,
    /// The input axis (0 = first axis after the batch) whose size is wrong.
    pub axis: Option<usize>,
}

impl From<Diagnostic> for Failure {
    fn from(diag: Diagnostic) -> Self {
        Failure { diag, axis: None }
    }
}

/// A layer call to build: keyword, where it is, its arguments and its input.
pub struct Ctx<'a> {
    /// The keyword.
    pub name: &'a str,
    /// The span of the stage (call or bare name).
    pub span: Span,
    /// The call, when written with parentheses.
    pub call: Option<&'a Call>,
    /// Positional arguments to skip (tensor operands written in head position).
    pub skip: usize,
    /// Constants for argument evaluation.
    pub consts: &'a Consts,
    /// The input's type.
    pub input: &'a ValueType,
}

impl Ctx<'_> {
    /// The input as a tensor shape; class labels are a type error.
    pub fn tensor(&self) -> Result<&[usize], Failure> {
        match self.input {
            ValueType::Tensor(s) => Ok(&s.0),
            ValueType::Class(n) => Err(Diagnostic::error(
                codes::TYPE_MISMATCH,
                self.span,
                format!("`{}` needs a tensor but gets class labels", self.name),
            )
            .with_primary_text(format!("input is class({n})"))
            .with_help("turn labels into a tensor first: `onehot(y, n)` or `embed(y, dim)`")
            .into()),
        }
    }

    /// The input as a tensor of one of the accepted non-batch ranks.
    pub fn tensor_rank(&self, ranks: &[usize], what: &str) -> Result<&[usize], Failure> {
        let s = self.tensor()?;
        if ranks.contains(&s.len()) {
            return Ok(s);
        }
        Err(Diagnostic::error(
            codes::RANK_MISMATCH,
            self.span,
            format!(
                "`{}` expects {what} but its input has rank {}",
                self.name,
                s.len() + 1
            ),
        )
        .with_primary_text(format!("needs {what}"))
        .with_help(rank_help(self.name, s.len()))
        .into())
    }
}

fn rank_help(layer: &str, rank: usize) -> String {
    match (layer, rank) {
        ("linear" | "minibatch_discrimination", _) => "insert `flatten` before it".to_string(),
        (_, 1) => {
            "insert `reshape(C, H, W)` before it to give the features a spatial layout".into()
        }
        _ => "check the layers before it: reshape or flatten to the rank this layer needs".into(),
    }
}

/// Builds a layer on its input.
pub fn build(cx: &Ctx) -> Result<Built, Failure> {
    match cx.name {
        "linear" => dense::linear(cx, false),
        "embedding" | "embed" => dense::embedding(cx),
        "onehot" => dense::onehot(cx),
        "minibatch_discrimination" => dense::minibatch(cx),
        "conv" | "deconv" | "conv3d" | "deconv3d" => conv::conv(cx, false),
        "spectral" => spectral(cx),
        "batchnorm" | "instancenorm" | "layernorm" | "groupnorm" | "virtual_batchnorm" => {
            norm::norm(cx)
        }
        "dropout" | "relu" | "leaky_relu" | "elu" | "prelu" | "tanh" | "sigmoid" | "softplus" => {
            pointwise::pointwise(cx)
        }
        "reshape" | "flatten" | "upsample" | "pixel_shuffle" => resize::reshape_family(cx),
        "avgpool" | "maxpool" | "zeropad" | "reflectpad" => resize::pool_pad(cx),
        _ => Err(Diagnostic::error(
            codes::UNKNOWN_LAYER,
            cx.span,
            format!("`{}` cannot be used here", cx.name),
        )
        .into()),
    }
}

/// `spectral(conv(...))`: the wrapped layer with spectral normalisation of its weight; adds
/// PyTorch's `weight_u` buffer (one value per output unit).
fn spectral(cx: &Ctx) -> Result<Built, Failure> {
    let inner = cx.call.and_then(
        |c| match (c.args.get(cx.skip), c.args.len(), c.named.len()) {
            (Some(e), n, 0) if n == cx.skip + 1 => match &e.kind {
                ExprKind::Call(inner) => Some((inner, e.span)),
                ExprKind::Name(_) => None,
                _ => None,
            },
            _ => None,
        },
    );
    let Some((inner, span)) = inner else {
        return Err(Diagnostic::error(
            codes::ARG_TYPE,
            cx.span,
            "`spectral` wraps exactly one layer call",
        )
        .with_primary_text("expected `spectral(conv(...))`")
        .with_help("write e.g. `spectral(conv(64, k: 4, s: 2, p: 1))` or `spectral(linear(1))`")
        .into());
    };
    let name = inner.callee.name.as_str();
    let sub = Ctx {
        name,
        span,
        call: Some(inner),
        skip: 0,
        consts: cx.consts,
        input: cx.input,
    };
    let mut built = match name {
        "linear" => dense::linear(&sub, true)?,
        "conv" | "deconv" | "conv3d" | "deconv3d" => conv::conv(&sub, true)?,
        _ => return Err(Diagnostic::error(
            codes::ARG_TYPE,
            span,
            format!("`spectral` cannot wrap `{name}`"),
        )
        .with_primary_text("not a weight layer")
        .with_help(
            "spectral normalisation applies to `linear`, `conv`, `deconv`, `conv3d`, `deconv3d`",
        )
        .into()),
    };
    let out_units = match &built.op {
        Op::Linear { out_features, .. } => *out_features,
        Op::Conv { out_channels, .. } => *out_channels,
        _ => 0,
    };
    built.buffers += out_units as u64;
    Ok(built)
}

/// `a * b + c` on parameter counts, reporting overflow at `span`.
pub(crate) fn count(parts: &[(u128, u128)], span: Span) -> Result<u64, Failure> {
    let total: Option<u128> = parts.iter().try_fold(0u128, |acc, (a, b)| {
        a.checked_mul(*b).and_then(|p| acc.checked_add(p))
    });
    total.and_then(|t| u64::try_from(t).ok()).ok_or_else(|| {
        Diagnostic::error(
            codes::TOO_LARGE,
            span,
            "the parameter count does not fit in 64 bits",
        )
        .with_primary_text("too many parameters")
        .with_help("use smaller sizes")
        .into()
    })
}

/// A tensor output type, checking that its element count stays representable.
pub(crate) fn tensor_out(dims: Vec<usize>, span: Span) -> Result<ValueType, Failure> {
    let ok = dims
        .iter()
        .try_fold(1usize, |acc, d| acc.checked_mul(*d))
        .is_some_and(|n| n <= MAX_ELEMENTS);
    if ok {
        Ok(ValueType::Tensor(Shape(dims)))
    } else {
        Err(Diagnostic::error(
            codes::TOO_LARGE,
            span,
            format!("the output {} is too large", Shape(dims)),
        )
        .with_primary_text("more elements per sample than ganc supports")
        .with_help(format!("keep each sample under {MAX_ELEMENTS} elements"))
        .into())
    }
}

/// Largest number of elements per sample a tensor may have (2^40); beyond this no real
/// network fits in memory, and the bound keeps every size computation far from overflow.
pub const MAX_ELEMENTS: usize = 1 << 40;
