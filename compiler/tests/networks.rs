//! Networks end to end: parameter counts against hand arithmetic, node shapes, blocks,
//! imports.

use ganc_compiler::graph::{Network, Shape, ValueType};
use ganc_compiler::{compile_file, compile_source, Compilation};
use std::path::{Path, PathBuf};

fn example(name: &str) -> Compilation {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name);
    compile_file(&path, &[])
}

fn codes(c: &Compilation) -> Vec<&'static str> {
    c.diagnostics.iter().map(|d| d.code.name).collect()
}

fn net<'a>(c: &'a Compilation, name: &str) -> &'a Network {
    let p = c
        .program
        .as_ref()
        .unwrap_or_else(|| panic!("errors: {:#?}", c.diagnostics));
    p.network(name)
        .unwrap_or_else(|| panic!("no network {name}"))
}

fn shape(dims: &[usize]) -> ValueType {
    ValueType::Tensor(Shape(dims.to_vec()))
}

/// (name, output type, params, buffers) of every node.
fn rows(n: &Network) -> Vec<(String, ValueType, u64, u64)> {
    n.nodes
        .iter()
        .map(|x| (x.name.clone(), x.ty.clone(), x.params, x.buffers))
        .collect()
}

#[test]
fn dcgan_generator_counts_and_shapes_match_hand_arithmetic() {
    let c = example("dcgan_mnist.gan");
    let g = net(&c, "G");
    let expected = vec![
        ("z".to_string(), shape(&[100]), 0, 0),
        // linear 100 -> 128*7*7 = 6272 without bias: 100 * 6272 weights.
        ("h.linear".into(), shape(&[6272]), 100 * 6272, 0),
        // batchnorm over 6272 features: weight + bias, running mean + var.
        ("h.batchnorm".into(), shape(&[6272]), 2 * 6272, 2 * 6272),
        ("h.relu".into(), shape(&[6272]), 0, 0),
        ("h.reshape".into(), shape(&[128, 7, 7]), 0, 0),
        // deconv 128 -> 64, k4 s2 p1: (7-1)*2 - 2 + 4 = 14; weight 128*64*4*4, no bias.
        ("out.deconv".into(), shape(&[64, 14, 14]), 128 * 64 * 16, 0),
        ("out.batchnorm".into(), shape(&[64, 14, 14]), 2 * 64, 2 * 64),
        ("out.relu".into(), shape(&[64, 14, 14]), 0, 0),
        // deconv 64 -> 1: (14-1)*2 - 2 + 4 = 28; weight 64*1*16 plus 1 bias.
        ("out.deconv_1".into(), shape(&[1, 28, 28]), 64 * 16 + 1, 0),
        ("out.tanh".into(), shape(&[1, 28, 28]), 0, 0),
    ];
    assert_eq!(rows(g), expected);
    assert_eq!(
        g.params,
        100 * 6272 + 2 * 6272 + 128 * 64 * 16 + 2 * 64 + 64 * 16 + 1
    );
    assert_eq!(g.params, 771_969);
    assert_eq!(g.buffers, 2 * 6272 + 2 * 64);
    assert_eq!(g.outputs[0].node, g.nodes.last().map(|n| n.id).unwrap());
    assert_eq!(
        g.feature("h").map(|id| g.node(id).name.as_str()),
        Some("h.reshape")
    );
}

#[test]
fn dcgan_discriminator_counts_and_shapes_match_hand_arithmetic() {
    let c = example("dcgan_mnist.gan");
    let d = net(&c, "D");
    let expected = vec![
        ("x".to_string(), shape(&[1, 28, 28]), 0, 0),
        // conv 1 -> 64, k4 s2 p1: (28 + 2 - 4)/2 + 1 = 14; 64*1*16 weights + 64 biases.
        ("f.conv".into(), shape(&[64, 14, 14]), 64 * 16 + 64, 0),
        ("f.leaky_relu".into(), shape(&[64, 14, 14]), 0, 0),
        // conv 64 -> 128: (14 + 2 - 4)/2 + 1 = 7; 128*64*16 weights, no bias.
        ("f.conv_1".into(), shape(&[128, 7, 7]), 128 * 64 * 16, 0),
        ("f.batchnorm".into(), shape(&[128, 7, 7]), 2 * 128, 2 * 128),
        ("f.leaky_relu_1".into(), shape(&[128, 7, 7]), 0, 0),
        ("out.flatten".into(), shape(&[128 * 49]), 0, 0),
        // linear 6272 -> 1 with bias.
        ("out.linear".into(), shape(&[1]), 6272 + 1, 0),
    ];
    assert_eq!(rows(d), expected);
    assert_eq!(d.params, 64 * 16 + 64 + 128 * 64 * 16 + 2 * 128 + 6272 + 1);
    assert_eq!(d.buffers, 256);
}

const BLOCK_SPEC: &str = r#"gan blocks
dims { Z = 16 }
block down(c: int, slope: float)(x: [B, C, H, W]) -> [B, c, H/2, W/2] {
  return x -> conv(c, k: 4, s: 2, p: 1) -> leaky_relu(slope)
}
discriminator D(x: [B, 3, 32, 32]) -> [B, 1] {
  h = x -> down(16, 0.2) -> down(32, slope: 0.1)
  r = h -> repeat 2 { conv(32, k: 3, p: 1) -> relu }
  return r + h -> flatten -> spectral(linear(1))
}
"#;

#[test]
fn blocks_bind_shape_variables_and_prefix_node_names() {
    let c = compile_source(Path::new("blocks.gan"), BLOCK_SPEC, &[]);
    let hir = c.hir.as_ref().expect("hir");
    assert_eq!(hir.blocks.len(), 1);
    let (nets, diags) = ganc_compiler::check::network::check_networks(hir, &c.sources);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:#?}");
    let d = &nets[0];
    let names: Vec<&str> = d.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "x",
            "h.down.out.conv",
            "h.down.out.leaky_relu",
            "h.down.out.conv_1",
            "h.down.out.leaky_relu_1",
            "r.conv",
            "r.relu",
            "r.conv_1",
            "r.relu_1",
            "out.add",
            "out.flatten",
            "out.linear",
        ]
    );
    // 32 -> 16 -> 8 spatially; conv 3->16: 16*3*16+16; conv 16->32: 32*16*16+32;
    // two 3x3 convs 32->32: 2*(32*32*9+32); spectral linear 32*8*8 -> 1: 2048+1 and a u buffer of 1.
    assert_eq!(d.node(d.feature("h").unwrap()).ty, shape(&[32, 8, 8]));
    assert_eq!(
        d.params,
        (16 * 3 * 16 + 16) + (32 * 16 * 16 + 32) + 2 * (32 * 32 * 9 + 32) + (2048 + 1)
    );
    assert_eq!(d.buffers, 1);
}

#[test]
fn block_output_shape_is_checked_against_its_body() {
    let text = BLOCK_SPEC.replace("-> [B, c, H/2, W/2]", "-> [B, c, H, W]");
    let c = compile_source(Path::new("blocks.gan"), &text, &[]);
    assert!(
        codes(&c).contains(&"ganc::shape::output_mismatch"),
        "{:?}",
        codes(&c)
    );
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.code.name == "ganc::shape::output_mismatch")
        .unwrap();
    assert!(
        d.notes
            .iter()
            .any(|n| n.contains("instantiated at blocks.gan:7:")),
        "{:?}",
        d.notes
    );
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ganc-networks-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn imports_load_blocks_and_report_cycles_with_the_chain() {
    let dir = temp_dir("imports");
    std::fs::write(
        dir.join("a.gan"),
        "gan a\nimport \"b.gan\" { twice }\nblock once()(x: [B, N]) -> [B, N] { return x -> relu }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("b.gan"),
        "gan b\nimport \"a.gan\" { once }\nblock twice()(x: [B, N]) -> [B, N] { return x -> once -> once }\n",
    )
    .unwrap();
    let main =
        "gan m\nimport \"a.gan\" { once }\nnetwork N(x: [B, 4]) -> [B, 4] { return x -> once }\n";
    let c = compile_source(&dir.join("m.gan"), main, &[]);
    let cycle = c
        .diagnostics
        .iter()
        .find(|d| d.code.name == "ganc::names::import_cycle")
        .unwrap_or_else(|| panic!("{:?}", codes(&c)));
    assert!(cycle.message.contains("a.gan -> "), "{}", cycle.message);
    assert!(cycle.message.contains("b.gan -> "), "{}", cycle.message);
    // The block itself still resolves and the network checks.
    let hir = c.hir.as_ref().unwrap();
    let (nets, diags) = ganc_compiler::check::network::check_networks(hir, &c.sources);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(nets[0].nodes[1].name, "out.once.out.relu");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_import_is_reported_at_the_path() {
    let dir = temp_dir("missing");
    let main = "gan m\nimport \"nope.gan\" { b }\n";
    let c = compile_source(&dir.join("m.gan"), main, &[]);
    assert!(
        codes(&c).contains(&"ganc::names::import_missing"),
        "{:?}",
        codes(&c)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn recursive_blocks_are_reported_not_expanded() {
    let text = "gan r\nblock a()(x: [B, N]) -> [B, N] { return x -> b }\nblock b()(x: [B, N]) -> [B, N] { return x -> a }\nnetwork N(x: [B, 4]) -> [B, 4] { return x -> a }\n";
    let c = compile_source(Path::new("r.gan"), text, &[]);
    let n = codes(&c)
        .iter()
        .filter(|c| **c == "ganc::blocks::recursive")
        .count();
    assert_eq!(n, 1, "{:?}", codes(&c));
}
