//! The registry of error kinds. Every diagnostic uses one of these codes; a test checks that
//! names are unique and that each is documented in `docs/errors.md`.

use serde::Serialize;

/// An error kind: a unique namespaced name and a one-line summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Code {
    /// Namespaced name such as `ganc::shape::concat_mismatch`.
    pub name: &'static str,
    /// What the kind means, in a few words.
    #[serde(skip)]
    pub summary: &'static str,
}

macro_rules! codes {
    ($($konst:ident = $name:literal, $summary:literal;)*) => {
        $(
            #[doc = $summary]
            pub const $konst: Code = Code { name: $name, summary: $summary };
        )*
        /// Every code, in declaration order.
        pub const ALL: &[Code] = &[$($konst),*];
    };
}

codes! {
    // ---- input files
    IO_READ = "ganc::io::read", "a source file could not be read";
    IO_NOT_UTF8 = "ganc::io::not_utf8", "a source file is not valid UTF-8 text";
    // ---- syntax
    SYNTAX = "ganc::syntax::unexpected", "the text does not follow the grammar";
    SYNTAX_NESTING = "ganc::syntax::too_deep", "expressions are nested too deeply";
    INT_OVERFLOW = "ganc::syntax::int_overflow", "an integer literal or dimension arithmetic overflows";
    // ---- dimensions
    UNKNOWN_DIM = "ganc::dims::unknown", "a dimension name is not defined";
    DIM_DIV_ZERO = "ganc::dims::div_by_zero", "a dimension is divided by zero";
    DIM_INEXACT_DIV = "ganc::dims::inexact_division", "a dimension division leaves a remainder";
    NOT_A_DIM = "ganc::dims::not_integer", "an integer was expected";
    NON_POSITIVE_SIZE = "ganc::dims::non_positive", "a size is zero or negative";
    // ---- names
    UNKNOWN_NAME = "ganc::names::unknown", "a name in a network body is not defined";
    UNKNOWN_LAYER = "ganc::names::unknown_layer", "a stage is neither a layer nor a block";
    DUPLICATE_NAME = "ganc::names::duplicate", "a name is defined twice in the same scope";
    USE_BEFORE_DEF = "ganc::names::use_before_definition", "a binding is used before the line that defines it";
    UNUSED_BINDING = "ganc::names::unused", "a binding is never used (warning)";
    UNKNOWN_ARG = "ganc::names::unknown_argument", "a named argument does not exist for this layer or block";
    ARG_COUNT = "ganc::names::argument_count", "a layer or block gets too many or too few arguments";
    ARG_TYPE = "ganc::names::argument_type", "an argument has the wrong kind of value";
    BAD_ARG = "ganc::names::argument_value", "an argument's value is out of its allowed range";
    MISSING_RETURN = "ganc::names::return", "a body has no return, several, or returns the wrong outputs";
    NOT_A_TENSOR = "ganc::names::not_a_tensor", "an expression in a network body is not a tensor operation";
    IMPORT_CYCLE = "ganc::names::import_cycle", "files import each other in a cycle";
    IMPORT_MISSING = "ganc::names::import_missing", "an imported file or block does not exist";
    // ---- shapes
    KERNEL_TOO_LARGE = "ganc::shape::kernel_too_large", "a kernel or window is larger than its (padded) input";
    RANK_MISMATCH = "ganc::shape::rank_mismatch", "a layer gets a tensor of the wrong rank";
    CHANNEL_MISMATCH = "ganc::shape::channel_mismatch", "a tensor has a different channel/feature count than required";
    CONCAT_MISMATCH = "ganc::shape::concat_mismatch", "concatenated tensors differ outside the concatenation axis";
    ELEMENTWISE_MISMATCH = "ganc::shape::elementwise_mismatch", "an elementwise operation gets tensors of different shapes";
    RESHAPE_NUMEL = "ganc::shape::reshape_size", "a reshape changes the number of elements";
    INEXACT_CONV = "ganc::shape::inexact_conv", "a convolution or pooling drops input rows (warning)";
    OUTPUT_MISMATCH = "ganc::shape::output_mismatch", "a body returns a shape other than the declared one";
    NOT_DIVISIBLE = "ganc::shape::not_divisible", "a size must be divisible by a layer argument";
    TYPE_MISMATCH = "ganc::shape::type_mismatch", "class labels used as a tensor or a tensor used as class labels";
    BATCH_DIM = "ganc::shape::batch_dim", "a signature shape does not start with the batch dimension `B`";
    TOO_LARGE = "ganc::shape::too_large", "a tensor or parameter count is too large to represent";
    // ---- blocks
    RECURSIVE_BLOCK = "ganc::blocks::recursive", "a block uses itself, directly or through others";
    BLOCK_INPUT = "ganc::blocks::input_mismatch", "a block's input does not match its declared input shape";
    GRAPH_TOO_LARGE = "ganc::blocks::too_large", "repeats and blocks expand to too many nodes";
    // ---- inputs
    INPUT_UNKNOWN_SOURCE = "ganc::inputs::unknown_source", "a data source is not a known dataset or file reader";
    INPUT_DATASET_SHAPE = "ganc::inputs::dataset_shape", "the declared shape differs from the named dataset's";
    INPUT_BAD_TYPE = "ganc::inputs::bad_type", "an input's declared type is not allowed for its kind";
    INPUT_BAD_ARGUMENT = "ganc::inputs::bad_argument", "a source or prior argument is unknown, missing or of the wrong type";
    INPUT_UNKNOWN_PRIOR = "ganc::inputs::unknown_prior", "a latent prior is not normal, uniform or categorical";
    INPUT_PRIOR_TYPE = "ganc::inputs::prior_type", "a prior does not fit the latent's type";
    INPUT_COND_SOURCE = "ganc::inputs::cond_source", "a conditioning input does not come from a data input's labels";
    INPUT_LABEL_CLASSES = "ganc::inputs::label_classes", "the declared class count differs from the dataset's";
    INPUT_DUPLICATE = "ganc::inputs::duplicate", "two inputs have the same name";
    // ---- settings
    SETTING_UNKNOWN_KEY = "ganc::settings::unknown_key", "a game or train setting does not exist";
    SETTING_DUPLICATE = "ganc::settings::duplicate_key", "a setting is given twice";
    SETTING_WRONG_TYPE = "ganc::settings::wrong_type", "a setting's value has the wrong type";
    SETTING_OUT_OF_RANGE = "ganc::settings::out_of_range", "a setting's value is outside its allowed range";
    SETTING_MISSING = "ganc::settings::missing", "a required setting or section is missing";
    SETTING_SUBJECT = "ganc::settings::subject", "a setting needs a subject (`optim G:`) or takes none";
    SETTING_UNKNOWN_ARG = "ganc::settings::unknown_argument", "a setting's call has an unknown or repeated argument";
    SETTING_UNKNOWN_VALUE = "ganc::settings::unknown_value", "a setting's value is not one of the allowed words";
    SETTING_TRAINS = "ganc::settings::trains", "`trains` is written on a setting that is not a term, or missing on a term";
    // ---- game
    GAME_UNKNOWN_NETWORK = "ganc::game::unknown_network", "the game names a network that does not exist";
    GAME_UNKNOWN_NAME = "ganc::game::unknown_name", "a game expression names something that is not an input or network";
    GAME_UNKNOWN_FUNCTION = "ganc::game::unknown_function", "a game expression calls an unknown loss function";
    GAME_UNKNOWN_OUTPUT = "ganc::game::unknown_output", "a network call reads an output or feature that does not exist";
    GAME_AMBIGUOUS_OUTPUT = "ganc::game::ambiguous_output", "a network with several outputs is read without naming one";
    GAME_ARITY = "ganc::game::arity", "a network is called with the wrong number of arguments";
    GAME_ARGUMENT_TYPE = "ganc::game::argument_type", "a network call's argument does not match the declared input";
    GAME_FAKE_SHAPE = "ganc::game::fake_shape", "generated samples differ in shape from the real data the judge sees";
    GAME_COND_MISMATCH = "ganc::game::cond_mismatch", "a conditioning input does not fit the network input it feeds";
    GAME_NOT_A_CALL = "ganc::game::not_a_call", "`real` or `fake` is not a call of the judge network";
    GAME_JUDGE_MISMATCH = "ganc::game::judge_mismatch", "`real` and `fake` call different networks or read different outputs";
    GAME_NO_PLAYERS = "ganc::game::no_players", "`fake` calls no network other than the judge";
    GAME_UNTRAINED_PLAYERS = "ganc::game::untrained_players", "`adversarial: judge_only` is set but no term trains a player";
    GAME_CANNOT_INFER = "ganc::game::cannot_infer", "`real` and `fake` are not written and cannot be inferred";
    GAME_ADV_OUTPUT = "ganc::game::adv_output_shape", "the judge's adversarial output is not one value per sample";
    GAME_TERM_OPERANDS = "ganc::game::term_operands", "a loss function's operands have incompatible types";
    GAME_SIGMOID_CRITIC = "ganc::game::sigmoid_critic", "a Wasserstein or hinge critic ends in a sigmoid";
    GAME_DOUBLE_SIGMOID = "ganc::game::double_sigmoid", "a logits loss reads a judge output that already went through a sigmoid";
    GAME_BATCHNORM_PENALTY = "ganc::game::batchnorm_in_penalty", "a gradient-penalty critic uses batch normalisation";
    GAME_CLIP_WITHOUT_WASSERSTEIN = "ganc::game::clip_without_wasserstein", "weight clipping is used with a loss other than wasserstein";
    GAME_SMOOTH_LOSS = "ganc::game::smooth_without_target", "`smooth_real` is used with a loss that has no target for real samples";
    // ---- train
    TRAIN_LENGTH = "ganc::train::length", "`train` needs exactly one of `steps` and `epochs`";
    TRAIN_MISSING_OPTIMIZER = "ganc::train::missing_optimizer", "a network with parameters has no optimizer";
    TRAIN_UNKNOWN_NETWORK = "ganc::train::unknown_network", "an optimizer or update ratio names a network that does not exist";
    TRAIN_UNKNOWN_OPTIMIZER = "ganc::train::unknown_optimizer", "an optimizer is not adam, rmsprop or sgd";
    // ---- overrides
    OVERRIDE_KEY = "ganc::override::unknown_key", "a `--set` key does not name a setting";
    OVERRIDE_VALUE = "ganc::override::bad_value", "a `--set` value is not a valid expression";
    UNSUPPORTED_CONV = "ganc::shape::unsupported_conv", "a convolution setting the runtime cannot run";
    // ---- command line (reported by the `ganc` binary, not the compiler)
    CLI_BAD_OVERRIDE = "ganc::cli::bad_override", "a --set argument is not KEY=VALUE";
    CLI_BAD_DEVICE = "ganc::cli::bad_device", "--device names no known device";
    CLI_NO_CUDA = "ganc::cli::no_cuda", "a CUDA device was requested but is not available";
    CLI_BAD_COND = "ganc::cli::bad_cond", "a --cond argument is not NAME=CLASS";
    CLI_BAD_COUNT = "ganc::cli::bad_count", "a sample count is zero";
    CLI_BAD_SWEEP = "ganc::cli::bad_sweep", "a --sweep argument is malformed";
    SAMPLE_RUN_DIR = "ganc::sample::run_dir", "the path is not a run directory";
    SAMPLE_NO_CHECKPOINT = "ganc::sample::no_checkpoint", "the run directory holds no checkpoint";
    EVAL_NOT_SYNTHETIC = "ganc::eval::not_synthetic", "mode coverage asked of a run not on ring8/grid25";
    EVAL_NO_DATA = "ganc::eval::no_data", "reconstruction asked of a spec without data";
    // ---- run time (training, sampling, evaluation)
    DATA_INVALID = "ganc::data::invalid", "a data file is missing, corrupt or does not match its declaration";
    RUN_INTERNAL = "ganc::run::internal", "a tensor operation failed at run time (a ganc bug)";
    RUN_CHECKPOINT = "ganc::run::checkpoint", "a checkpoint could not be written or read";
    RUN_RUN_DIR = "ganc::run::run_dir", "the run directory could not be written";
    RUN_PLOT = "ganc::run::plot", "a sample image could not be written";
    RUN_NON_FINITE = "ganc::run::non_finite", "a loss became NaN or infinite";
    RUN_RESUME = "ganc::run::resume", "a run cannot be resumed with this spec or overrides";
    RUN_INVALID_REQUEST = "ganc::run::invalid_request", "a sampling or evaluation request does not fit the spec";
}
