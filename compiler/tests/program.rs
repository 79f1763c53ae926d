//! The program checker (inputs, game, train, overrides) on small specs, with networks built by
//! hand so that these tests depend only on the checked-network contract.

use ganc_compiler::ast;
use ganc_compiler::check::program::{apply_overrides, check_program, Override};
use ganc_compiler::diagnostics::Diagnostic;
use ganc_compiler::graph::*;
use ganc_compiler::parse::parse;
use ganc_compiler::resolve::dims::DimEnv;
use ganc_compiler::source::{SourceId, Span};

fn t(dims: &[usize]) -> ValueType {
    ValueType::Tensor(Shape(dims.to_vec()))
}

/// A network `inputs -> linear (feature "h") -> [last op] -> output`.
fn net(
    name: &str,
    role: NetRole,
    inputs: &[(&str, ValueType)],
    out: ValueType,
    last: Option<Op>,
) -> Network {
    let mut nodes = Vec::new();
    let mut ports = Vec::new();
    for (i, (n, ty)) in inputs.iter().enumerate() {
        nodes.push(Node {
            id: NodeId(i),
            name: n.to_string(),
            op: Op::Input { index: i },
            inputs: vec![],
            ty: ty.clone(),
            params: 0,
            buffers: 0,
            span: Span::default(),
        });
        ports.push(Port {
            name: n.to_string(),
            ty: ty.clone(),
            node: NodeId(i),
            span: Span::default(),
        });
    }
    let h = NodeId(nodes.len());
    nodes.push(Node {
        id: h,
        name: "h.linear".into(),
        op: Op::Linear {
            in_features: 1,
            out_features: 1,
            bias: true,
            spectral: false,
            init: Init::Default,
        },
        inputs: vec![NodeId(0)],
        ty: out.clone(),
        params: 10,
        buffers: 0,
        span: Span::default(),
    });
    if let Some(op) = last {
        nodes.push(Node {
            id: NodeId(h.0 + 1),
            name: "h.last".into(),
            op,
            inputs: vec![h],
            ty: out.clone(),
            params: 0,
            buffers: 0,
            span: Span::default(),
        });
    }
    let last_id = NodeId(nodes.len() - 1);
    Network {
        name: name.into(),
        role,
        inputs: ports,
        outputs: vec![Port {
            name: "out".into(),
            ty: out,
            node: last_id,
            span: Span::default(),
        }],
        features: vec![("h".into(), h)],
        nodes,
        params: 10,
        buffers: 0,
        span: Span::default(),
    }
}

fn mnist_nets() -> Vec<Network> {
    vec![
        net(
            "G",
            NetRole::Generator,
            &[("z", t(&[100]))],
            t(&[1, 28, 28]),
            Some(Op::Act(Activation::Tanh)),
        ),
        net(
            "D",
            NetRole::Discriminator,
            &[("x", t(&[1, 28, 28]))],
            t(&[1]),
            None,
        ),
    ]
}

fn dims() -> DimEnv {
    let mut d = DimEnv::new();
    d.insert("Z", 100);
    d
}

fn file(src: &str) -> ast::File {
    parse(SourceId(0), src).unwrap_or_else(|e| panic!("parse failed: {e:#?}"))
}

fn check(src: &str, nets: &[Network]) -> (Option<Program>, Vec<Diagnostic>) {
    check_program(&file(src), &dims(), nets)
}

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.name).collect()
}

const HEAD: &str = "gan m\ndata x: [B, 1, 28, 28] from mnist(split: train, range: [-1, 1])\nlatent z: [B, Z] ~ normal(0, 1)\n";
const TRAIN: &str =
    "train { batch: 64 steps: 10 optim G: adam(lr: 2e-4) optim D: adam(lr: 2e-4) }\n";

#[test]
fn dcgan_example_infers_real_and_fake() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/dcgan_mnist.gan"
    ))
    .unwrap();
    let (prog, diags) = check_program(&file(&text), &dims(), &mnist_nets());
    assert!(diags.is_empty(), "{diags:#?}");
    let p = prog.expect("program");
    assert_eq!(p.name, "dcgan_mnist");
    assert_eq!(p.version.as_deref(), Some("0.1"));
    assert_eq!(p.game.loss, AdvLoss::NonSaturating);
    assert_eq!(p.game.judge, "D");
    assert_eq!(p.game.judge_output, 0);
    assert_eq!(p.game.players, vec!["G".to_string()]);
    match &p.game.real.kind {
        GameExprKind::Call { network, args, .. } => {
            assert_eq!(network, "D");
            assert!(matches!(&args[0].kind, GameExprKind::Data(x) if x == "x"));
        }
        k => panic!("real is {k:?}"),
    }
    match &p.game.fake.kind {
        GameExprKind::Call { network, args, .. } => {
            assert_eq!(network, "D");
            match &args[0].kind {
                GameExprKind::Call { network, args, .. } => {
                    assert_eq!(network, "G");
                    assert!(matches!(&args[0].kind, GameExprKind::Latent(z) if z == "z"));
                }
                k => panic!("fake arg is {k:?}"),
            }
        }
        k => panic!("fake is {k:?}"),
    }
    let tr = &p.train;
    assert_eq!(tr.batch, 64);
    assert_eq!(tr.length, Length::Epochs(1));
    assert_eq!(tr.seed, 0);
    assert_eq!(tr.init, Init::Normal(0.02));
    assert_eq!(
        (tr.sample_every, tr.checkpoint_every, tr.log_every),
        (200, 500, 50)
    );
    assert_eq!(tr.sample_grid, (8, 8));
    let g = tr.optimizers.iter().find(|o| o.network == "G").unwrap();
    assert_eq!(
        g.kind,
        OptimKind::Adam {
            lr: 2e-4,
            beta1: 0.5,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0
        }
    );
    let x = &p.data[0];
    assert_eq!(
        (x.dataset.as_str(), x.split, x.range),
        ("mnist", Split::Train, (-1.0, 1.0))
    );
    assert_eq!(x.shape, Shape(vec![1, 28, 28]));
    assert_eq!(
        p.latents[0].prior,
        Prior::Normal {
            mean: 0.0,
            std: 1.0
        }
    );
    assert_eq!(p.networks.len(), 2);
}

#[test]
fn wgan_gp_settings_are_read() {
    let src = format!(
        "{HEAD}game {{ loss: wasserstein real: D(x) fake: D(G(z)) penalty: gradient(10) unroll: 5 \
         instance_noise: anneal(0.1, 0.0, steps: 1000) historical_average: 1e-3 }}\n\
         train {{ batch: 32 steps: 100 seed: 7 init: xavier sample_grid: [4, 6] updates D: 5 \
         optim G: rmsprop(lr: 5e-5) optim D: sgd(lr: 0.1, momentum: 0.9, nesterov: true) }}\n"
    );
    let (prog, diags) = check(&src, &mnist_nets());
    assert!(diags.is_empty(), "{diags:#?}");
    let p = prog.unwrap();
    assert_eq!(p.game.loss, AdvLoss::Wasserstein);
    assert_eq!(
        p.game.gradient_penalty,
        Some(GradientPenalty {
            weight: 10.0,
            target: 1.0
        })
    );
    // One-sided label smoothing has no meaning for a Wasserstein critic (an error since
    // `ganc::game::smooth_without_target`), so it is absent here.
    assert_eq!(p.game.smooth_real, None);
    assert_eq!(p.game.unroll, Some(5));
    assert_eq!(
        p.game.instance_noise,
        Some(InstanceNoise {
            start: 0.1,
            end: 0.0,
            steps: 1000
        })
    );
    assert_eq!(p.game.historical_average, Some(1e-3));
    assert_eq!(p.train.updates_of("D"), 5);
    assert_eq!(p.train.updates_of("G"), 1);
    assert_eq!(
        (p.train.seed, p.train.init, p.train.sample_grid),
        (7, Init::Xavier, (4, 6))
    );
    let kinds: Vec<_> = p.train.optimizers.iter().map(|o| o.kind).collect();
    assert_eq!(
        kinds[0],
        OptimKind::RmsProp {
            lr: 5e-5,
            alpha: 0.99,
            eps: 1e-8,
            momentum: 0.0
        }
    );
    assert_eq!(
        kinds[1],
        OptimKind::Sgd {
            lr: 0.1,
            momentum: 0.9,
            nesterov: true
        }
    );
}

#[test]
fn conditional_gan_infers_conditions_on_both_sides() {
    let nets = vec![
        net(
            "G",
            NetRole::Generator,
            &[("z", t(&[100])), ("y", ValueType::Class(10))],
            t(&[1, 28, 28]),
            None,
        ),
        net(
            "D",
            NetRole::Discriminator,
            &[("x", t(&[1, 28, 28])), ("y", ValueType::Class(10))],
            t(&[1]),
            None,
        ),
    ];
    let src = format!("{HEAD}cond y: class(10) from x.label\ngame {{ loss: minimax }}\n{TRAIN}");
    let (prog, diags) = check(&src, &nets);
    assert!(diags.is_empty(), "{diags:#?}");
    let p = prog.unwrap();
    assert_eq!(p.data[0].label_classes, Some(10));
    assert_eq!(p.conds[0].from_labels_of, "x");
    for side in [&p.game.real, &p.game.fake] {
        let GameExprKind::Call { args, .. } = &side.kind else {
            panic!()
        };
        assert!(matches!(&args[1].kind, GameExprKind::Cond(y) if y == "y"));
    }
}

#[test]
fn terms_and_named_outputs_lower_to_losses() {
    let mut d = net(
        "D",
        NetRole::Discriminator,
        &[("x", t(&[1, 28, 28]))],
        t(&[1]),
        None,
    );
    d.outputs.push(Port {
        name: "q".into(),
        ty: t(&[10]),
        node: NodeId(1),
        span: Span::default(),
    });
    d.outputs[0].name = "adv".into();
    let nets = vec![
        net(
            "G",
            NetRole::Generator,
            &[("z", t(&[100])), ("c", ValueType::Class(10))],
            t(&[1, 28, 28]),
            None,
        ),
        d,
    ];
    let src = format!(
        "{HEAD}latent c: class(10) ~ categorical\n\
         game {{ loss: non_saturating real: D(x).adv fake: D(G(z, c)).adv\n\
           term info: cross_entropy(D(G(z, c)).q, c) trains G, D\n\
           term fm: 0.5 * feature_matching(D.h) trains G }}\n{TRAIN}"
    );
    let (prog, diags) = check(&src, &nets);
    assert!(diags.is_empty(), "{diags:#?}");
    let g = prog.unwrap().game;
    assert_eq!(g.judge_output, 0);
    assert_eq!(g.terms.len(), 2);
    assert_eq!(g.terms[0].trains, vec!["G".to_string(), "D".to_string()]);
    assert!(matches!(
        g.terms[0].expr.kind,
        GameExprKind::Loss {
            func: LossFn::CrossEntropy,
            ..
        }
    ));
    let GameExprKind::Binary(ast::BinOp::Mul, w, fm) = &g.terms[1].expr.kind else {
        panic!("{:?}", g.terms[1].expr)
    };
    assert!(matches!(w.kind, GameExprKind::Const(v) if v == 0.5));
    let GameExprKind::Loss {
        func: LossFn::FeatureMatching,
        args,
    } = &fm.kind
    else {
        panic!()
    };
    // The sugar reads feature `h` (node 1) of the judge on the real call, then the fake call.
    for (arg, inner_is_data) in args.iter().zip([true, false]) {
        let GameExprKind::Call {
            network,
            output,
            args,
        } = &arg.kind
        else {
            panic!()
        };
        assert_eq!(
            (network.as_str(), *output),
            ("D", CallOutput::Feature(NodeId(1)))
        );
        assert_eq!(matches!(args[0].kind, GameExprKind::Data(_)), inner_is_data);
    }
}

#[test]
fn overrides_replace_and_add_settings() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/dcgan_mnist.gan"
    ))
    .unwrap();
    let mut f = file(&text);
    let set = |k: &str, v: &str| Override {
        key: k.into(),
        value: v.into(),
    };
    let diags = apply_overrides(
        &mut f,
        &[
            set("train.steps", "200"),
            set("train.batch", "32"),
            set("train.optim.G.lr", "1e-4"),
            set("train.optim.D.betas", "[0.0, 0.9]"),
            set("train.updates.D", "2"),
            set("game.loss", "hinge"),
        ],
    )
    .diagnostics;
    assert!(diags.is_empty(), "{diags:#?}");
    let (prog, diags) = check_program(&f, &dims(), &mnist_nets());
    assert!(diags.is_empty(), "{diags:#?}");
    let p = prog.unwrap();
    assert_eq!(p.train.length, Length::Steps(200), "steps replaces epochs");
    assert_eq!(p.train.batch, 32);
    assert_eq!(p.train.updates_of("D"), 2);
    assert_eq!(p.game.loss, AdvLoss::Hinge);
    let lr_of = |n: &str| {
        p.train
            .optimizers
            .iter()
            .find(|o| o.network == n)
            .unwrap()
            .kind
    };
    assert!(matches!(lr_of("G"), OptimKind::Adam { lr, beta1, .. } if lr == 1e-4 && beta1 == 0.5));
    assert!(
        matches!(lr_of("D"), OptimKind::Adam { lr, beta1, beta2, .. } if lr == 2e-4 && beta1 == 0.0 && beta2 == 0.9)
    );
}

#[test]
fn bad_overrides_are_reported() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/dcgan_mnist.gan"
    ))
    .unwrap();
    let mut f = file(&text);
    let set = |k: &str, v: &str| Override {
        key: k.into(),
        value: v.into(),
    };
    let diags = apply_overrides(
        &mut f,
        &[
            set("train.stpes", "10"),
            set("trian.batch", "1"),
            set("train.batch", "1 } game { loss: hinge"),
            set("train.seed", ""),
        ],
    )
    .diagnostics;
    assert_eq!(
        codes(&diags),
        [
            "ganc::override::unknown_key",
            "ganc::override::unknown_key",
            "ganc::override::bad_value",
            "ganc::override::bad_value"
        ]
    );
    assert!(
        diags[0].help.as_deref().unwrap().contains("train.steps"),
        "{:?}",
        diags[0].help
    );
    assert!(
        diags[1].help.as_deref().unwrap().contains("`train`"),
        "{:?}",
        diags[1].help
    );
    // A value of the wrong type is checked like source text.
    let mut f = file(&text);
    assert!(apply_overrides(&mut f, &[set("train.batch", "\"64\"")])
        .diagnostics
        .is_empty());
    let (prog, diags) = check_program(&f, &dims(), &mnist_nets());
    assert!(prog.is_none());
    assert_eq!(codes(&diags), ["ganc::settings::wrong_type"]);
}

#[test]
fn each_mistake_gets_its_code() {
    let sig = Some(Op::Act(Activation::Sigmoid));
    let cases: Vec<(String, Vec<Network>, &str)> = vec![
        (format!("{HEAD}game {{ loss: non_saturating }}\ntrain {{ batch: 64 steps: 1 optim G: adam(lr: 1e-4) }}"), mnist_nets(), "ganc::train::missing_optimizer"),
        (format!("{HEAD}game {{ loss: wasserstein }}\n{TRAIN}"), vec![mnist_nets().remove(0), net("D", NetRole::Discriminator, &[("x", t(&[1, 28, 28]))], t(&[1]), sig.clone())], "ganc::game::sigmoid_critic"),
        (format!("{HEAD}game {{ loss: minimax real: D(x) fake: D(Gen(z)) }}\n{TRAIN}"), mnist_nets(), "ganc::game::unknown_network"),
        (format!("{HEAD}game {{ loss: minimax }}\n{TRAIN}"), vec![net("G", NetRole::Generator, &[("z", t(&[100]))], t(&[1, 32, 32]), None), mnist_nets().remove(1)], "ganc::game::fake_shape"),
        (format!("{HEAD}game {{ loss: minimax }}\n{TRAIN}"), vec![mnist_nets().remove(0), net("D", NetRole::Discriminator, &[("x", t(&[1, 28, 28]))], t(&[1, 4, 4]), None)], "ganc::game::adv_output_shape"),
        (format!("{HEAD}game {{ loss: minimax }}\ntrain {{ batch: 0 steps: 1 optim G: adam(lr: 1e-4) optim D: adam(lr: 1e-4) }}"), mnist_nets(), "ganc::settings::out_of_range"),
        (format!("{HEAD}game {{ loss: minimax }}\ntrain {{ batch: 8 steps: 1 epochs: 1 optim G: adam(lr: 1e-4) optim D: adam(lr: 1e-4) }}"), mnist_nets(), "ganc::train::length"),
        (format!("{HEAD}game {{ loss: minimax smooth_real: 1.5 }}\n{TRAIN}"), mnist_nets(), "ganc::settings::out_of_range"),
        (format!("{HEAD}game {{ loss: minimax lsos: 1 }}\n{TRAIN}"), mnist_nets(), "ganc::settings::unknown_key"),
        (format!("{HEAD}game {{ loss: minimax loss: hinge }}\n{TRAIN}"), mnist_nets(), "ganc::settings::duplicate_key"),
        (format!("{HEAD}game {{ loss: non_saturatin }}\n{TRAIN}"), mnist_nets(), "ganc::settings::unknown_value"),
        (format!("{HEAD}game {{ loss: minimax }}\n{TRAIN}"), vec![mnist_nets().remove(0), net("D", NetRole::Discriminator, &[("x", t(&[1, 28, 28]))], t(&[1]), sig.clone())], "ganc::game::double_sigmoid"),
        (format!("{HEAD}game {{ loss: minimax constrain D: clip(0.01) }}\n{TRAIN}"), mnist_nets(), "ganc::game::clip_without_wasserstein"),
        (format!("gan m\ndata x: [B, 3, 28, 28] from mnist()\nlatent z: [B, Z] ~ normal(0, 1)\ngame {{ loss: minimax }}\n{TRAIN}"), mnist_nets(), "ganc::inputs::dataset_shape"),
        (format!("{HEAD}game {{ loss: minimax }}\n{TRAIN}optim E: adam(lr: 1e-4)"), mnist_nets(), "ganc::syntax::unexpected"),
    ];
    for (src, nets, want) in cases {
        let diags = match parse(SourceId(0), &src) {
            Ok(f) => check_program(&f, &dims(), &nets).1,
            Err(e) => e,
        };
        assert!(
            codes(&diags).contains(&want),
            "expected {want} for\n{src}\ngot {diags:#?}"
        );
    }
}

#[test]
fn networks_that_failed_to_check_cause_no_cascade() {
    // `D` is declared in the source but absent from the checked networks.
    let src = format!(
        "{HEAD}discriminator D(x: [B, 1, 28, 28]) -> [B, 1] {{ return x -> flatten -> linear(1) }}\n\
         generator G(z: [B, Z]) -> [B, 1, 28, 28] {{ return z -> linear(784) -> reshape(1, 28, 28) }}\n\
         game {{ loss: minimax real: D(x) fake: D(G(z)) }}\n{TRAIN}"
    );
    let nets = vec![mnist_nets().remove(0)];
    let (prog, diags) = check(&src, &nets);
    assert!(prog.is_none());
    assert!(diags.is_empty(), "{diags:#?}");
}
