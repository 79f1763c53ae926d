use ganc_compiler::{ast, parse::parse, source::SourceId};

#[test]
fn dcgan_example_parses_into_expected_items() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/dcgan_mnist.gan"
    ))
    .unwrap();
    let file = parse(SourceId(0), &text).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(file.header.name.name, "dcgan_mnist");
    let nets = file
        .items
        .iter()
        .filter(|i| matches!(i, ast::Item::Network(_)))
        .count();
    assert_eq!(nets, 2);
}

#[test]
fn missing_arrow_reports_expected_tokens() {
    let text = "gan m\ngenerator G(z: [B, 2]) -> [B, 2] {\n  return z linear(2)\n}\n";
    let errs = parse(SourceId(0), text).unwrap_err();
    eprintln!("{errs:#?}");
    assert_eq!(errs[0].code.name, "ganc::syntax::unexpected");
}
