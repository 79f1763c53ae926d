//! `data`, `latent` and `cond` declarations: types, sources, priors and label wiring.

use super::args::Args;
use super::datasets::{self, SourceKind};
use super::values;
use crate::ast::{self, Expr, ExprKind, InputDecl, TypeExpr};
use crate::diagnostics::{codes, Diagnostic};
use crate::graph::{CondInput, DataInput, LatentInput, Prior, Shape, Split, ValueType};
use crate::resolve::dims::DimEnv;
use crate::source::Span;
use crate::suggest::did_you_mean;

/// The checked inputs of the experiment.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Real data.
    pub data: Vec<DataInput>,
    /// Latent priors.
    pub latents: Vec<LatentInput>,
    /// Conditioning inputs.
    pub conds: Vec<CondInput>,
    /// Every declared input name, including those whose declaration had errors, so that
    /// later stages do not report them as unknown.
    pub declared: Vec<String>,
    /// Where each declared input's type was written, for labels.
    pub type_spans: Vec<(String, Span)>,
}

impl Inputs {
    /// Where the type of the input called `name` was written.
    pub fn type_span_of(&self, name: &str) -> Option<Span> {
        self.type_spans
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| *s)
    }
}

/// Checks every input declaration of `file`.
pub fn check_inputs(file: &ast::File, dims: &DimEnv, diags: &mut Vec<Diagnostic>) -> Inputs {
    let mut inputs = Inputs::default();
    let mut seen: Vec<&ast::Ident> = Vec::new();
    let mut first_conds: Vec<Span> = Vec::new();
    for item in &file.items {
        let decl = match item {
            ast::Item::Data(d) | ast::Item::Latent(d) | ast::Item::Cond(d) => d,
            _ => continue,
        };
        if let Some(first) = seen.iter().find(|i| i.name == decl.name.name) {
            diags.push(
                Diagnostic::error(
                    codes::INPUT_DUPLICATE,
                    decl.name.span,
                    format!("input `{}` is declared twice", decl.name.name),
                )
                .with_primary_text("declared again here")
                .with_label(first.span, "first declared here")
                .with_help("rename one of them"),
            );
            continue;
        }
        seen.push(&decl.name);
        inputs.declared.push(decl.name.name.clone());
        inputs
            .type_spans
            .push((decl.name.name.clone(), decl.ty.span()));
        if matches!(item, ast::Item::Cond(_)) {
            first_conds.push(decl.span);
        }
        let result = match item {
            ast::Item::Data(d) => data(d, dims).map(|x| inputs.data.push(x)),
            ast::Item::Latent(d) => latent(d, dims).map(|x| inputs.latents.push(x)),
            _ => Ok(()),
        };
        if let Err(mut ds) = result {
            diags.append(&mut ds);
        }
    }
    // Conditions refer to data inputs, which may be declared later in the file.
    for item in &file.items {
        if let ast::Item::Cond(d) = item {
            if !first_conds.contains(&d.span) {
                continue;
            }
            match cond(d, dims, &mut inputs) {
                Ok(c) => inputs.conds.push(c),
                Err(mut ds) => diags.append(&mut ds),
            }
        }
    }
    inputs
}

/// The value type of a declared input type: `[B, ...]` or `class(n)`.
pub fn value_type(ty: &TypeExpr, dims: &DimEnv, what: &str) -> Result<ValueType, Diagnostic> {
    match ty {
        TypeExpr::Shape(items, span) => {
            let is_b = |e: &Expr| matches!(&e.kind, ExprKind::Name(n) if n == "B");
            let Some(first) = items.first().filter(|e| is_b(e)) else {
                return Err(Diagnostic::error(
                    codes::INPUT_BAD_TYPE,
                    *span,
                    format!("the shape of {what} must start with the batch axis `B`"),
                )
                .with_primary_text("no leading `B`")
                .with_help("write the per-sample shape after `B`, e.g. `[B, 1, 28, 28]`"));
            };
            let _ = first;
            let mut dims_out = Vec::with_capacity(items.len() - 1);
            for e in &items[1..] {
                if is_b(e) {
                    return Err(Diagnostic::error(
                        codes::INPUT_BAD_TYPE,
                        e.span,
                        "the batch axis `B` may only come first",
                    )
                    .with_primary_text("`B` here")
                    .with_help("replace it with a concrete size"));
                }
                dims_out.push(dims.eval_positive(e, "a dimension")?);
            }
            Ok(ValueType::Tensor(Shape(dims_out)))
        }
        TypeExpr::Class(n, _) => Ok(ValueType::Class(dims.eval_positive(n, "a class count")?)),
        TypeExpr::Int(span) | TypeExpr::Float(span) => Err(Diagnostic::error(
            codes::INPUT_BAD_TYPE,
            *span,
            format!("{what} must be a tensor `[B, ...]` or `class(n)`"),
        )
        .with_primary_text("a block parameter type")
        .with_help("`int` and `float` are for block parameters only")),
    }
}

fn data(d: &InputDecl, dims: &DimEnv) -> Result<DataInput, Vec<Diagnostic>> {
    let what = format!("data `{}`", d.name.name);
    let shape = match value_type(&d.ty, dims, &what).map_err(|e| vec![e])? {
        ValueType::Tensor(s) => s,
        ValueType::Class(_) => {
            return Err(vec![Diagnostic::error(
                codes::INPUT_BAD_TYPE,
                d.ty.span(),
                "data must be a tensor, not class labels",
            )
            .with_primary_text("class type")
            .with_help(format!(
                "declare the samples, e.g. `data {}: [B, 1, 28, 28] from mnist()`; labels are `{}.label`",
                d.name.name, d.name.name
            ))])
        }
    };
    let Some((src_name, call)) = values::call_or_word(&d.source) else {
        return Err(vec![values::wrong_type(
            &d.source,
            "from",
            "a data source",
            "mnist()",
        )]);
    };
    let callee_span = match call {
        Some(c) => c.callee.span,
        None => d.source.span,
    };
    let Some(info) = datasets::source(src_name) else {
        let names = datasets::SOURCES.iter().map(|s| s.name);
        let list: Vec<&str> = datasets::SOURCES.iter().map(|s| s.name).collect();
        let help = match did_you_mean(src_name, names) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("known sources: {}", list.join(", ")),
        };
        return Err(vec![Diagnostic::error(
            codes::INPUT_UNKNOWN_SOURCE,
            callee_span,
            format!("unknown data source `{src_name}`"),
        )
        .with_primary_text("not a dataset or file reader")
        .with_help(help)]);
    };
    let mut diags = Vec::new();
    let empty = ast::Call {
        callee: ast::Ident {
            name: src_name.to_string(),
            span: callee_span,
        },
        args: Vec::new(),
        named: Vec::new(),
    };
    let args = Args::new(call.unwrap_or(&empty), info.params, &mut diags);
    let mut input = DataInput {
        name: d.name.name.clone(),
        shape,
        dataset: info.name.to_string(),
        path: None,
        labels_path: None,
        split: Split::Train,
        range: (-1.0, 1.0),
        options: Vec::new(),
        label_classes: None,
        span: d.span,
    };
    if !info.accepts(&input.shape.0) {
        let want = Shape(info.shape.map(<[usize]>::to_vec).unwrap_or_default());
        diags.push(
            Diagnostic::error(
                codes::INPUT_DATASET_SHAPE,
                d.ty.span(),
                format!(
                    "`{}` samples are {want}, but `{}` is declared {}",
                    info.name, d.name.name, input.shape
                ),
            )
            .with_primary_text(format!("declared {}", input.shape))
            .with_label(callee_span, format!("{} gives {want}", info.name))
            .with_help(format!(
                "declare `data {}: {want} from {}(...)`",
                d.name.name, info.name
            )),
        );
    }
    if let Some(e) = args.get("path") {
        push_err(
            &mut diags,
            values::string(e, "path", "\"images.gz\"").map(|s| input.path = Some(s.to_string())),
        );
    } else if info.kind == SourceKind::File {
        diags.push(
            Diagnostic::error(
                codes::INPUT_BAD_ARGUMENT,
                callee_span,
                format!(
                    "`{}` needs the path of the file or folder to read",
                    info.name
                ),
            )
            .with_primary_text("no path")
            .with_help(format!("write `{}(\"path\")`", info.name)),
        );
    }
    if let Some(e) = args.get("labels") {
        push_err(
            &mut diags,
            values::string(e, "labels", "\"labels.gz\"")
                .map(|s| input.labels_path = Some(s.to_string())),
        );
    }
    if let Some(e) = args.get("split") {
        match e.kind {
            ExprKind::Name(ref n) if n == "train" => input.split = Split::Train,
            ExprKind::Name(ref n) if n == "test" && info.has_test => input.split = Split::Test,
            _ => {
                let ok = if info.has_test {
                    "`train` or `test`"
                } else {
                    "`train` (it has no test split)"
                };
                diags.push(
                    Diagnostic::error(
                        codes::INPUT_BAD_ARGUMENT,
                        e.span,
                        format!("`{}` has no such split", info.name),
                    )
                    .with_primary_text(format!("expected {ok}"))
                    .with_help("write `split: train`"),
                );
            }
        }
    }
    if let Some(e) = args.get("range") {
        match values::numbers(e, "range", 2, "[-1, 1]") {
            Ok(v) if v[0] < v[1] => input.range = (v[0], v[1]),
            Ok(v) => diags.push(
                Diagnostic::error(
                    codes::INPUT_BAD_ARGUMENT,
                    e.span,
                    format!("range [{}, {}] is empty", v[0], v[1]),
                )
                .with_primary_text("the lower bound must be below the upper bound")
                .with_help(format!("write `range: [{}, {}]`", v[1], v[0])),
            ),
            Err(err) => diags.push(err),
        }
    }
    if let Some(e) = args.get("std") {
        match values::number(e, "std") {
            Ok(v) if v > 0.0 => input.options.push(("std".into(), v)),
            Ok(v) => diags.push(
                Diagnostic::error(
                    codes::INPUT_BAD_ARGUMENT,
                    e.span,
                    format!("`std` must be positive, got {v}"),
                )
                .with_primary_text("not positive")
                .with_help("the ring uses `std: 0.02`, the grid `std: 0.05`"),
            ),
            Err(err) => diags.push(err),
        }
    }
    if diags.is_empty() {
        Ok(input)
    } else {
        Err(diags)
    }
}

fn push_err(diags: &mut Vec<Diagnostic>, r: Result<(), Diagnostic>) {
    if let Err(e) = r {
        diags.push(e);
    }
}

fn latent(d: &InputDecl, dims: &DimEnv) -> Result<LatentInput, Vec<Diagnostic>> {
    let what = format!("latent `{}`", d.name.name);
    let ty = value_type(&d.ty, dims, &what).map_err(|e| vec![e])?;
    let Some((prior_name, call)) = values::call_or_word(&d.source) else {
        return Err(vec![values::wrong_type(
            &d.source,
            "~",
            "a prior",
            "normal(0, 1)",
        )]);
    };
    let span = call.map_or(d.source.span, |c| c.callee.span);
    let mut diags = Vec::new();
    let params: &'static [&'static str] = match prior_name {
        "normal" => &["mean", "std"],
        "uniform" => &["lo", "hi"],
        "categorical" => &[],
        _ => {
            let help = match did_you_mean(prior_name, ["normal", "uniform", "categorical"]) {
                Some(s) => format!("did you mean `{s}`?"),
                None => {
                    "priors are `normal(mean, std)`, `uniform(lo, hi)` and `categorical`".into()
                }
            };
            return Err(vec![Diagnostic::error(
                codes::INPUT_UNKNOWN_PRIOR,
                span,
                format!("unknown prior `{prior_name}`"),
            )
            .with_primary_text("not a prior")
            .with_help(help)]);
        }
    };
    let prior = match call {
        Some(c) => {
            let args = Args::new(c, params, &mut diags);
            let mut get = |p: &str, default: f64| match args.get(p).map(|e| values::number(e, p)) {
                Some(Ok(v)) => v,
                Some(Err(e)) => {
                    diags.push(e);
                    default
                }
                None => default,
            };
            match prior_name {
                "normal" => Prior::Normal {
                    mean: get("mean", 0.0),
                    std: get("std", 1.0),
                },
                "uniform" => Prior::Uniform {
                    lo: get("lo", -1.0),
                    hi: get("hi", 1.0),
                },
                _ => Prior::Categorical,
            }
        }
        None => match prior_name {
            "normal" => Prior::Normal {
                mean: 0.0,
                std: 1.0,
            },
            "uniform" => Prior::Uniform { lo: -1.0, hi: 1.0 },
            _ => Prior::Categorical,
        },
    };
    let bad_param = match prior {
        Prior::Normal { std, .. } if std <= 0.0 => Some(format!(
            "the standard deviation must be positive, got {std}"
        )),
        Prior::Uniform { lo, hi } if lo >= hi => Some(format!(
            "uniform({lo}, {hi}) is empty: `lo` must be below `hi`"
        )),
        _ => None,
    };
    if let Some(msg) = bad_param {
        diags.push(
            Diagnostic::error(codes::INPUT_BAD_ARGUMENT, d.source.span, msg)
                .with_primary_text("invalid prior")
                .with_help("the usual priors are `normal(0, 1)` and `uniform(-1, 1)`"),
        );
    }
    let fits = matches!(
        (&ty, prior),
        (ValueType::Class(_), Prior::Categorical)
            | (
                ValueType::Tensor(_),
                Prior::Normal { .. } | Prior::Uniform { .. }
            )
    );
    if !fits {
        let (msg, help) = match ty {
            ValueType::Class(n) => (
                format!("a `class({n})` latent is drawn from `categorical`"),
                format!("write `latent {}: class({n}) ~ categorical`", d.name.name),
            ),
            ValueType::Tensor(ref s) => (
                format!(
                    "`categorical` draws class labels, but `{}` is a tensor {s}",
                    d.name.name
                ),
                format!(
                    "write `latent {}: class(10) ~ categorical` or use `normal(0, 1)`",
                    d.name.name
                ),
            ),
        };
        diags.push(
            Diagnostic::error(codes::INPUT_PRIOR_TYPE, span, msg)
                .with_primary_text("this prior")
                .with_label(d.ty.span(), format!("declared {ty}"))
                .with_help(help),
        );
    }
    if diags.is_empty() {
        Ok(LatentInput {
            name: d.name.name.clone(),
            ty,
            prior,
            span: d.span,
        })
    } else {
        Err(diags)
    }
}

fn cond(d: &InputDecl, dims: &DimEnv, inputs: &mut Inputs) -> Result<CondInput, Vec<Diagnostic>> {
    let what = format!("cond `{}`", d.name.name);
    let ty = value_type(&d.ty, dims, &what).map_err(|e| vec![e])?;
    let ValueType::Class(n) = ty else {
        return Err(vec![Diagnostic::error(
            codes::INPUT_BAD_TYPE,
            d.ty.span(),
            "a condition taken from labels has a class type",
        )
        .with_primary_text(format!("declared {ty}"))
        .with_help(format!(
            "write `cond {}: class(10) from x.label`",
            d.name.name
        ))]);
    };
    let source = match &d.source.kind {
        ExprKind::Member(base, member) if member.name == "label" => match &base.kind {
            ExprKind::Name(x) => Some((x.as_str(), base.span)),
            _ => None,
        },
        _ => None,
    };
    let Some((x, x_span)) = source else {
        return Err(vec![Diagnostic::error(
            codes::INPUT_COND_SOURCE,
            d.source.span,
            "a condition comes from the labels of a data input",
        )
        .with_primary_text("not `<data>.label`")
        .with_help(format!(
            "write `cond {}: class({n}) from x.label` with your data input's name",
            d.name.name
        ))]);
    };
    let Some(data) = inputs.data.iter_mut().find(|dd| dd.name == x) else {
        if inputs.declared.iter().any(|name| name == x)
            && !inputs.latents.iter().any(|l| l.name == x)
            && !inputs.conds.iter().any(|c| c.name == x)
        {
            // A data input whose declaration had errors: already reported.
            return Err(Vec::new());
        }
        let data_names: Vec<&str> = inputs.data.iter().map(|dd| dd.name.as_str()).collect();
        let help = match did_you_mean(x, data_names.iter().copied()) {
            Some(s) => format!("did you mean `{s}.label`?"),
            None if data_names.is_empty() => {
                "declare a data input first, e.g. `data x: [B, 1, 28, 28] from mnist()`".into()
            }
            None => format!("data inputs: {}", data_names.join(", ")),
        };
        return Err(vec![Diagnostic::error(
            codes::INPUT_COND_SOURCE,
            x_span,
            format!("`{x}` is not a data input"),
        )
        .with_primary_text("labels come from `data` inputs")
        .with_help(help)]);
    };
    if let Some(known) = datasets::source(&data.dataset).and_then(|s| s.classes) {
        if known != n {
            return Err(vec![Diagnostic::error(
                codes::INPUT_LABEL_CLASSES,
                d.ty.span(),
                format!(
                    "`{}` has {known} classes, but `{}` is declared class({n})",
                    data.dataset, d.name.name
                ),
            )
            .with_primary_text(format!("class({n})"))
            .with_label(data.span, format!("{} labels are 0..{known}", data.dataset))
            .with_help(format!(
                "write `cond {}: class({known}) from {x}.label`",
                d.name.name
            ))]);
        }
    }
    data.label_classes = Some(n);
    Ok(CondInput {
        name: d.name.name.clone(),
        ty,
        from_labels_of: x.to_string(),
        span: d.span,
    })
}
