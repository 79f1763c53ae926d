//! Dense layers and label encoders: `linear`, `embedding`/`embed`, `onehot`,
//! `minibatch_discrimination`.

use super::args::{self, spec, Kind, Spec};
use super::{count, tensor_out, Built, Ctx, Failure};
use crate::diagnostics::{codes, Diagnostic};
use crate::graph::{Op, ValueType};

const LINEAR: &[Spec] = &[
    spec("out", "", Kind::Size, true),
    spec("bias", "", Kind::Bool, false),
    spec("init", "", Kind::Init, false),
];

/// `linear(out, bias: true, init: ...)` on the last axis: `in*out + out` parameters.
pub fn linear(cx: &Ctx, spectral: bool) -> Result<Built, Failure> {
    let a = args::parse(cx.name, cx.span, cx.call, cx.skip, LINEAR, cx.consts)?;
    let input = cx.tensor()?;
    let Some(&in_features) = input.last() else {
        return Err(Diagnostic::error(
            codes::RANK_MISMATCH,
            cx.span,
            "`linear` needs at least one feature axis",
        )
        .into());
    };
    let out_features = a.int("out", None)?;
    let bias = a.bool("bias", true);
    let params = count(
        &[
            (in_features as u128, out_features as u128),
            (out_features as u128, bias as u128),
        ],
        cx.span,
    )?;
    let mut dims = input.to_vec();
    if let Some(last) = dims.last_mut() {
        *last = out_features;
    }
    Ok(Built {
        op: Op::Linear {
            in_features,
            out_features,
            bias,
            spectral,
            init: a.init(),
        },
        out: tensor_out(dims, cx.span)?,
        params,
        buffers: 0,
        warnings: Vec::new(),
    })
}

const EMBED: &[Spec] = &[
    spec("dim", "", Kind::Size, true),
    spec("classes", "", Kind::Size, false),
];

fn classes_of(cx: &Ctx) -> Result<usize, Failure> {
    match cx.input {
        ValueType::Class(n) => Ok(*n),
        ValueType::Tensor(s) => Err(Diagnostic::error(
            codes::TYPE_MISMATCH,
            cx.span,
            format!("`{}` needs class labels but gets a tensor", cx.name),
        )
        .with_primary_text(format!("input is {s}"))
        .with_help("declare the input as `class(n)`")
        .into()),
    }
}

fn check_classes(cx: &Ctx, a: &args::Args, have: usize) -> Result<(), Failure> {
    if a.given("classes") {
        let want = a.int("classes", None)?;
        if want != have {
            return Err(Diagnostic::error(
                codes::CHANNEL_MISMATCH,
                a.span_of("classes"),
                format!(
                    "`{}` says {want} classes but its input is class({have})",
                    cx.name
                ),
            )
            .with_primary_text(format!("{want} classes"))
            .with_help(format!("use `classes: {have}` or drop the argument"))
            .into());
        }
    }
    Ok(())
}

/// `embedding(dim)`: class labels to learned vectors, `classes * dim` parameters.
pub fn embedding(cx: &Ctx) -> Result<Built, Failure> {
    let a = args::parse(cx.name, cx.span, cx.call, cx.skip, EMBED, cx.consts)?;
    let classes = classes_of(cx)?;
    check_classes(cx, &a, classes)?;
    let dim = a.int("dim", None)?;
    Ok(Built {
        op: Op::Embedding { classes, dim },
        out: tensor_out(vec![dim], cx.span)?,
        params: count(&[(classes as u128, dim as u128)], cx.span)?,
        buffers: 0,
        warnings: Vec::new(),
    })
}

const ONEHOT: &[Spec] = &[spec("classes", "", Kind::Size, true)];

/// `onehot` / `onehot(n)`: class labels to one-hot vectors of size n.
pub fn onehot(cx: &Ctx) -> Result<Built, Failure> {
    let a = args::parse(cx.name, cx.span, cx.call, cx.skip, ONEHOT, cx.consts)?;
    let classes = classes_of(cx)?;
    check_classes(cx, &a, classes)?;
    Ok(Built {
        op: Op::OneHot { classes },
        out: tensor_out(vec![classes], cx.span)?,
        params: 0,
        buffers: 0,
        warnings: Vec::new(),
    })
}

const MINIBATCH: &[Spec] = &[
    spec("kernels", "", Kind::Size, true),
    spec("kernel_dim", "", Kind::Size, true),
];

/// `minibatch_discrimination(B, C)`: `[A] -> [A + B]` with a tensor T of `A * B * C`
/// parameters (Salimans et al. 2016; no bias).
pub fn minibatch(cx: &Ctx) -> Result<Built, Failure> {
    let a = args::parse(cx.name, cx.span, cx.call, cx.skip, MINIBATCH, cx.consts)?;
    let input = cx.tensor_rank(&[1], "[B, features]")?;
    let kernels = a.int("kernels", None)?;
    let kernel_dim = a.int("kernel_dim", Some(5))?;
    let in_features = input[0];
    let out = in_features.checked_add(kernels).ok_or_else(|| {
        Failure::from(Diagnostic::error(
            codes::TOO_LARGE,
            cx.span,
            "too many features",
        ))
    })?;
    Ok(Built {
        op: Op::MinibatchDiscrimination {
            in_features,
            kernels,
            kernel_dim,
        },
        out: tensor_out(vec![out], cx.span)?,
        params: count(
            &[(in_features as u128, kernels as u128 * kernel_dim as u128)],
            cx.span,
        )?,
        buffers: 0,
        warnings: Vec::new(),
    })
}
