//! Layers that move elements around: `reshape`, `flatten`, `upsample`, `pixel_shuffle`,
//! pooling and padding.

use super::args::{self, spec, Kind, Spec};
use super::{tensor_out, Built, Ctx, Failure};
use crate::diagnostics::{codes, Diagnostic};
use crate::graph::{Op, PadMode, PoolKind, Shape, UpsampleMode};

const NONE: &[Spec] = &[];
const UPSAMPLE: &[Spec] = &[
    spec("scale", "", Kind::Size, true),
    spec("mode", "", Kind::Word(&["nearest", "bilinear"]), true),
];
const SHUFFLE: &[Spec] = &[spec("factor", "", Kind::Size, true)];
const POOL: &[Spec] = &[
    spec("kernel", "k", Kind::Size, true),
    spec("stride", "s", Kind::Size, true),
];
const PAD: &[Spec] = &[spec("padding", "p", Kind::Counts, true)];

fn built(op: Op, dims: Vec<usize>, cx: &Ctx, warnings: Vec<Diagnostic>) -> Result<Built, Failure> {
    Ok(Built {
        op,
        out: tensor_out(dims, cx.span)?,
        params: 0,
        buffers: 0,
        warnings,
    })
}

/// `reshape`, `flatten`, `upsample`, `pixel_shuffle`.
pub fn reshape_family(cx: &Ctx) -> Result<Built, Failure> {
    match cx.name {
        "reshape" => reshape(cx),
        "flatten" => {
            args::parse(cx.name, cx.span, cx.call, cx.skip, NONE, cx.consts)?;
            let input = cx.tensor()?;
            built(Op::Flatten, vec![input.iter().product()], cx, Vec::new())
        }
        "upsample" => {
            let a = args::parse(cx.name, cx.span, cx.call, cx.skip, UPSAMPLE, cx.consts)?;
            let mode = if a.word("mode", "nearest") == "bilinear" {
                UpsampleMode::Bilinear
            } else {
                UpsampleMode::Nearest
            };
            let input = if mode == UpsampleMode::Bilinear {
                cx.tensor_rank(&[3], "[B, C, H, W] for bilinear upsampling")?
            } else {
                cx.tensor_rank(&[2, 3, 4], "[B, C, ...spatial]")?
            };
            let scale = a.int("scale", Some(2))?;
            let mut dims = input.to_vec();
            for d in dims.iter_mut().skip(1) {
                *d = d.checked_mul(scale).unwrap_or(usize::MAX);
            }
            built(Op::Upsample { scale, mode }, dims, cx, Vec::new())
        }
        _ => {
            let a = args::parse(cx.name, cx.span, cx.call, cx.skip, SHUFFLE, cx.consts)?;
            let input = cx.tensor_rank(&[3], "[B, C, H, W]")?;
            let r = a.int("factor", None)?;
            let rr = r.saturating_mul(r);
            if input[0] % rr != 0 {
                return Err(Failure {
                    diag: Diagnostic::error(
                        codes::NOT_DIVISIBLE,
                        cx.span,
                        format!(
                            "pixel_shuffle({r}) needs channels divisible by {rr}, got {}",
                            input[0]
                        ),
                    )
                    .with_primary_text(format!("{} channels", input[0]))
                    .with_help(format!(
                        "make the previous layer output {} channels",
                        (input[0] / rr).max(1) * rr
                    )),
                    axis: Some(0),
                });
            }
            let dims = vec![
                input[0] / rr,
                input[1].saturating_mul(r),
                input[2].saturating_mul(r),
            ];
            built(Op::PixelShuffle { factor: r }, dims, cx, Vec::new())
        }
    }
}

fn reshape(cx: &Ctx) -> Result<Built, Failure> {
    let input = cx.tensor()?;
    let call = cx.call;
    if let Some((k, _)) = call.and_then(|c| c.named.first()) {
        return Err(Diagnostic::error(
            codes::UNKNOWN_ARG,
            k.span,
            format!("`reshape` has no argument `{}`", k.name),
        )
        .with_help("write the new shape without the batch axis: `reshape(128, 7, 7)`")
        .into());
    }
    let exprs: Vec<_> = call
        .map(|c| c.args.iter().skip(cx.skip).collect())
        .unwrap_or_default();
    if exprs.is_empty() {
        return Err(
            Diagnostic::error(codes::ARG_COUNT, cx.span, "`reshape` needs the new shape")
                .with_help("write the new shape without the batch axis: `reshape(128, 7, 7)`")
                .into(),
        );
    }
    let mut dims = Vec::with_capacity(exprs.len());
    for e in &exprs {
        dims.push(cx.consts.ints.eval_positive(e, "a reshape size")?);
    }
    let have: u128 = input.iter().map(|d| *d as u128).product();
    let want: u128 = dims.iter().map(|d| *d as u128).product();
    if have != want {
        let mut d = Diagnostic::error(
            codes::RESHAPE_NUMEL,
            cx.span,
            format!(
                "cannot reshape {} ({have} elements per sample) to {} ({want} elements)",
                Shape(input.to_vec()),
                Shape(dims.clone())
            ),
        )
        .with_primary_text(format!("{want} != {have}"));
        // Suggest completing the first dimension when the rest divides the input exactly.
        let rest: u128 = dims.iter().skip(1).map(|d| *d as u128).product();
        d = if rest > 0 && have.is_multiple_of(rest) && dims.len() > 1 {
            let mut fixed = dims.clone();
            fixed[0] = (have / rest) as usize;
            let list: Vec<String> = fixed.iter().map(|x| x.to_string()).collect();
            d.with_help(format!(
                "the input has {have} elements; `reshape({})` would fit, or change the layer before it to output {want}",
                list.join(", ")
            ))
        } else {
            d.with_help(format!(
                "the input has {have} elements; make the layer before it output {want} (e.g. `linear({want})`)"
            ))
        };
        return Err(d.into());
    }
    built(
        Op::Reshape {
            shape: dims.clone(),
        },
        dims,
        cx,
        Vec::new(),
    )
}

/// `avgpool`, `maxpool`, `zeropad`, `reflectpad` on `[B, C, H, W]`.
pub fn pool_pad(cx: &Ctx) -> Result<Built, Failure> {
    if cx.name.ends_with("pool") {
        let a = args::parse(cx.name, cx.span, cx.call, cx.skip, POOL, cx.consts)?;
        let input = cx.tensor_rank(&[3], "[B, C, H, W]")?;
        let kernel = a.int("kernel", Some(2))?;
        let stride = a.int("stride", Some(kernel as i64))?;
        let mut dims = vec![input[0]];
        let mut warnings = Vec::new();
        for (i, &size) in input[1..].iter().enumerate() {
            let axis_name = if i == 0 { "height" } else { "width" };
            if kernel > size {
                return Err(Failure {
                    diag: Diagnostic::error(
                        codes::KERNEL_TOO_LARGE,
                        cx.span,
                        format!(
                            "`{}` window {kernel} is larger than its input's {axis_name} ({size})",
                            cx.name
                        ),
                    )
                    .with_primary_text(format!("window {kernel} > {axis_name} {size}"))
                    .with_help(format!(
                        "use a window of at most {size}, or remove a downsampling layer before it"
                    )),
                    axis: Some(i + 1),
                });
            }
            if (size - kernel) % stride != 0 {
                warnings.push(
                    Diagnostic::warning(
                        codes::INEXACT_CONV,
                        cx.span,
                        format!("`{}` k{kernel} s{stride} does not tile {axis_name} {size}: the last {} rows are ignored", cx.name, (size - kernel) % stride),
                    )
                    .with_primary_text(format!("{axis_name} {size}")),
                );
            }
            dims.push((size - kernel) / stride + 1);
        }
        let kind = if cx.name == "avgpool" {
            PoolKind::Avg
        } else {
            PoolKind::Max
        };
        return built(
            Op::Pool {
                kind,
                kernel,
                stride,
            },
            dims,
            cx,
            warnings,
        );
    }
    let a = args::parse(cx.name, cx.span, cx.call, cx.skip, PAD, cx.consts)?;
    let input = cx.tensor_rank(&[3], "[B, C, H, W]")?;
    let sizes: [usize; 4] = match a.ints("padding").as_deref() {
        None => [1; 4],
        Some([p]) => [*p; 4],
        Some([l, r, t, b]) => [*l, *r, *t, *b],
        Some(other) => {
            return Err(Diagnostic::error(
                codes::ARG_COUNT,
                a.span_of("padding"),
                format!("padding takes 1 or 4 values, got {}", other.len()),
            )
            .with_help("write `p: 1` or `p: [left, right, top, bottom]`")
            .into())
        }
    };
    let mode = if cx.name == "reflectpad" {
        PadMode::Reflect
    } else {
        PadMode::Zero
    };
    if mode == PadMode::Reflect {
        // Reflection cannot mirror more rows than exist beside the edge.
        let (h, w) = (input[1], input[2]);
        for (i, (pad, size)) in [(sizes[0], w), (sizes[1], w), (sizes[2], h), (sizes[3], h)]
            .into_iter()
            .enumerate()
        {
            if pad >= size {
                return Err(Failure {
                    diag: Diagnostic::error(
                        codes::KERNEL_TOO_LARGE,
                        a.span_of("padding"),
                        format!(
                            "reflection padding {pad} needs an input larger than {pad}, got {size}"
                        ),
                    )
                    .with_primary_text("padding too large for the input")
                    .with_help(format!(
                        "use reflection padding of at most {}",
                        size.saturating_sub(1)
                    )),
                    axis: Some(if i < 2 { 2 } else { 1 }),
                });
            }
        }
    }
    let dims = vec![
        input[0],
        input[1].saturating_add(sizes[2]).saturating_add(sizes[3]),
        input[2].saturating_add(sizes[0]).saturating_add(sizes[1]),
    ];
    built(Op::Pad { mode, sizes }, dims, cx, Vec::new())
}
