//! Convolutions: `conv`, `deconv` (transposed), `conv3d`, `deconv3d`.

use super::args::{self, spec, Kind, Spec};
use super::{count, tensor_out, Built, Ctx, Failure};
use crate::diagnostics::{codes, Diagnostic};
use crate::graph::Op;

const CONV: &[Spec] = &[
    spec("out", "", Kind::Size, true),
    spec("kernel", "k", Kind::Counts, true),
    spec("stride", "s", Kind::Counts, true),
    spec("padding", "p", Kind::Counts, true),
    spec("dilation", "d", Kind::Counts, false),
    spec("bias", "", Kind::Bool, false),
    spec("init", "", Kind::Init, false),
];

const DECONV: &[Spec] = &[
    spec("out", "", Kind::Size, true),
    spec("kernel", "k", Kind::Counts, true),
    spec("stride", "s", Kind::Counts, true),
    spec("padding", "p", Kind::Counts, true),
    spec("output_padding", "op", Kind::Counts, false),
    spec("dilation", "d", Kind::Counts, false),
    spec("bias", "", Kind::Bool, false),
    spec("init", "", Kind::Init, false),
];

/// Expands a per-axis argument: one value for every axis, or exactly one per axis.
fn per_axis(
    a: &args::Args,
    name: &str,
    axes: usize,
    default: usize,
    min: usize,
) -> Result<Vec<usize>, Failure> {
    let v = match a.ints(name) {
        None => vec![default; axes],
        Some(v) if v.len() == 1 => vec![v[0]; axes],
        Some(v) if v.len() == axes => v,
        Some(v) => {
            return Err(Diagnostic::error(
                codes::ARG_COUNT,
                a.span_of(name),
                format!(
                    "`{name}` has {} values but `{}` has {axes} spatial axes",
                    v.len(),
                    a.layer
                ),
            )
            .with_primary_text(format!("expected 1 or {axes} values"))
            .into())
        }
    };
    if let Some(bad) = v.iter().find(|x| **x < min) {
        return Err(Diagnostic::error(
            codes::NON_POSITIVE_SIZE,
            a.span_of(name),
            format!(
                "`{name}` of `{}` must be at least {min}, got {bad}",
                a.layer
            ),
        )
        .into());
    }
    Ok(v)
}

/// The runtime's convolutions take one stride, padding and output padding for all spatial axes
/// (kernels may be rectangular) and support dilation only in 2-D forward convolutions; refuse
/// the rest here rather than fail, or silently differ, at run time.
fn refuse_unsupported(
    a: &args::Args,
    layer: &str,
    axes: usize,
    stride: &[usize],
    padding: &[usize],
    dilation: &[usize],
    output_padding: &[usize],
) -> Result<(), Failure> {
    for (name, short, values) in [
        ("stride", "s", stride),
        ("padding", "p", padding),
        ("dilation", "d", dilation),
        ("output_padding", "op", output_padding),
    ] {
        if values.iter().any(|v| *v != values[0]) {
            return Err(Diagnostic::error(
                codes::UNSUPPORTED_CONV,
                a.span_of(name),
                format!("`{layer}` with a different `{name}` per axis is not supported"),
            )
            .with_primary_text(format!("{values:?}"))
            .with_help(format!(
                "use one value for all axes (e.g. `{short}: {}`), or pad explicitly with `zeropad`",
                values[0]
            ))
            .into());
        }
    }
    let dilated = dilation.iter().any(|d| *d != 1);
    if dilated && (axes == 3 || layer.starts_with("de")) {
        return Err(Diagnostic::error(
            codes::UNSUPPORTED_CONV,
            a.span_of("dilation"),
            format!("`{layer}` does not support dilation"),
        )
        .with_primary_text(format!("dilation {}", dilation[0]))
        .with_help("dilation is supported by 2-D `conv` only; remove `d:` here")
        .into());
    }
    Ok(())
}

/// Builds a (transposed) 2-D or 3-D convolution; `spectral` marks the weight as normalised.
pub fn conv(cx: &Ctx, spectral: bool) -> Result<Built, Failure> {
    let transposed = cx.name.starts_with("de");
    let axes = if cx.name.ends_with("3d") { 3 } else { 2 };
    let specs = if transposed { DECONV } else { CONV };
    let a = args::parse(cx.name, cx.span, cx.call, cx.skip, specs, cx.consts)?;
    let input = cx.tensor_rank(
        &[axes + 1],
        if axes == 2 {
            "[B, C, H, W]"
        } else {
            "[B, C, D, H, W]"
        },
    )?;
    let out_channels = a.int("out", None)?;
    let kernel = match a.ints("kernel") {
        Some(_) => per_axis(&a, "kernel", axes, 1, 1)?,
        None => {
            return Err(Diagnostic::error(
                codes::ARG_COUNT,
                cx.span,
                format!("`{}` needs a kernel size", cx.name),
            )
            .with_primary_text("`k` is missing")
            .with_help(format!("write e.g. `{}({out_channels}, k: 3)`", cx.name))
            .into())
        }
    };
    let stride = per_axis(&a, "stride", axes, 1, 1)?;
    let padding = per_axis(&a, "padding", axes, 0, 0)?;
    let dilation = per_axis(&a, "dilation", axes, 1, 1)?;
    let output_padding = if transposed {
        per_axis(&a, "output_padding", axes, 0, 0)?
    } else {
        vec![0; axes]
    };
    refuse_unsupported(
        &a,
        cx.name,
        axes,
        &stride,
        &padding,
        &dilation,
        &output_padding,
    )?;
    let in_channels = input[0];
    let mut dims = vec![out_channels];
    let mut warnings = Vec::new();
    for i in 0..axes {
        let (size, k, s, p, d) = (input[i + 1], kernel[i], stride[i], padding[i], dilation[i]);
        let out = if transposed {
            deconv_size(cx, &a, i, size, k, s, p, d, output_padding[i])?
        } else {
            let (out, warn) = conv_size(cx, i, size, k, s, p, d)?;
            // One warning per layer: a square input gives the same finding on every axis.
            if warnings.is_empty() {
                warnings.extend(warn);
            }
            out
        };
        dims.push(out);
    }
    let bias = a.bool("bias", true);
    let taps: u128 = kernel.iter().map(|k| *k as u128).product();
    let params = count(
        &[
            (out_channels as u128 * in_channels as u128, taps),
            (out_channels as u128, bias as u128),
        ],
        cx.span,
    )?;
    let out = tensor_out(dims, cx.span)?;
    Ok(Built {
        op: Op::Conv {
            transposed,
            in_channels,
            out_channels,
            kernel,
            stride,
            padding,
            output_padding,
            dilation,
            bias,
            spectral,
            init: a.init(),
        },
        out,
        params,
        buffers: 0,
        warnings,
    })
}

/// Output size of a convolution along one axis: `(size + 2p - d(k-1) - 1) / s + 1`; a warning
/// when the division drops input rows (PyTorch floors silently).
fn conv_size(
    cx: &Ctx,
    axis: usize,
    size: usize,
    k: usize,
    s: usize,
    p: usize,
    d: usize,
) -> Result<(usize, Option<Diagnostic>), Failure> {
    let axis_name = axis_name(axis, cx.name);
    let eff = d as u128 * (k as u128 - 1) + 1;
    let padded = size as u128 + 2 * p as u128;
    if padded < eff {
        let what = if d > 1 {
            format!("dilated kernel {eff}")
        } else {
            format!("kernel {k}")
        };
        let mut diag = Diagnostic::error(
            codes::KERNEL_TOO_LARGE,
            cx.span,
            format!(
                "`{}` {what} is larger than its input's {axis_name} ({size}, padded {padded})",
                cx.name
            ),
        )
        .with_primary_text(format!("{what} > {axis_name} {padded}"));
        let need_pad = (eff - size as u128).div_ceil(2);
        diag = diag.with_help(format!(
            "the input is smaller than this layer was designed for: use a kernel of at most {padded}, padding of at least {need_pad}, or remove a downsampling layer before it"
        ));
        return Err(Failure {
            diag,
            axis: Some(axis + 1),
        });
    }
    let num = padded - eff;
    let out = (num / s as u128 + 1) as usize;
    let mut warning = None;
    if !num.is_multiple_of(s as u128) {
        let mut w = Diagnostic::warning(
            codes::INEXACT_CONV,
            cx.span,
            format!(
                "`{}` with k{k} s{s} p{p} does not tile {axis_name} {size}: {} input row(s) are ignored",
                cx.name,
                num % s as u128
            ),
        )
        .with_primary_text(format!("{axis_name}: ({size} + 2*{p} - {eff}) / {s} is not whole; output {out}"));
        w = w.with_help(match nearest_padding(size, eff, s, p) {
            Some(q) => {
                let out_q = (size as u128 + 2 * q as u128 - eff) / s as u128 + 1;
                format!("padding p: {q} makes it exact (output {out_q})")
            }
            None => match nearest_kernel(size, k, s, p, d) {
                Some(k2) => format!("no padding makes it exact with stride {s}; kernel k: {k2} does"),
                None => format!("no padding makes it exact with stride {s}; change the kernel or the input size"),
            },
        });
        warning = Some(w);
    }
    Ok((out, warning))
}

/// The padding closest to `p` for which the convolution tiles the input exactly.
fn nearest_padding(size: usize, eff: u128, s: usize, p: usize) -> Option<usize> {
    (0..=s)
        .flat_map(|delta| [p.checked_sub(delta), p.checked_add(delta)])
        .flatten()
        .find(|&q| {
            let padded = size as u128 + 2 * q as u128;
            padded >= eff && (padded - eff).is_multiple_of(s as u128)
        })
}

/// The kernel size next to `k` for which the convolution tiles the input exactly.
fn nearest_kernel(size: usize, k: usize, s: usize, p: usize, d: usize) -> Option<usize> {
    [k.checked_sub(1), k.checked_add(1)]
        .into_iter()
        .flatten()
        .filter(|&k2| k2 >= 1)
        .find(|&k2| {
            let eff = d as u128 * (k2 as u128 - 1) + 1;
            let padded = size as u128 + 2 * p as u128;
            padded >= eff && (padded - eff).is_multiple_of(s as u128)
        })
}

#[allow(clippy::too_many_arguments)]
fn deconv_size(
    cx: &Ctx,
    a: &args::Args,
    axis: usize,
    size: usize,
    k: usize,
    s: usize,
    p: usize,
    d: usize,
    op: usize,
) -> Result<usize, Failure> {
    if op >= s && op >= d {
        return Err(Diagnostic::error(
            codes::BAD_ARG,
            a.span_of("output_padding"),
            format!(
                "output padding {op} must be smaller than the stride ({s}) or the dilation ({d})"
            ),
        )
        .with_primary_text("too large")
        .with_help(format!("use `op: {}` at most", s.max(d) - 1))
        .into());
    }
    // (size-1)*s - 2p + d(k-1) + op + 1, in i128 so that large paddings cannot wrap.
    let out = (size as i128 - 1) * s as i128 - 2 * p as i128
        + d as i128 * (k as i128 - 1)
        + op as i128
        + 1;
    if out < 1 {
        let axis_name = axis_name(axis, cx.name);
        return Err(Failure {
            diag: Diagnostic::error(
                codes::KERNEL_TOO_LARGE,
                cx.span,
                format!(
                    "`{}` padding {p} removes the whole {axis_name} output (size {out})",
                    cx.name
                ),
            )
            .with_primary_text(format!(
                "({size}-1)*{s} - 2*{p} + {d}*({k}-1) + {op} + 1 = {out}"
            ))
            .with_help("reduce the padding or increase the kernel"),
            axis: Some(axis + 1),
        });
    }
    usize::try_from(out).map_err(|_| {
        Diagnostic::error(codes::TOO_LARGE, cx.span, "the output size is too large").into()
    })
}

/// `H`/`W` (or `D`/`H`/`W`) for the spatial axis `i` of a convolution's input.
fn axis_name(i: usize, layer: &str) -> &'static str {
    let names: &[&'static str] = if layer.ends_with("3d") {
        &["depth", "height", "width"]
    } else {
        &["height", "width"]
    };
    names.get(i).copied().unwrap_or("size")
}
