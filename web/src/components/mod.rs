//! The page's pieces, one component per file, named for what it shows.
//! Each takes only its slice of the app's state (a signal of its own, or
//! read-only values) and callbacks for what it asks of the rest: a tile
//! gets its image and what to do on "Remove", never the key.

pub mod board_panel;
pub mod compare_card;
pub mod compare_picker;
pub mod connection_panel;
pub(crate) mod dyn_view;
pub mod model_picker;
pub mod options_panel;
pub mod prompt_editor;
pub mod provider_picker;
pub mod reference_chips;
pub mod rejected_list;
pub mod result_view;
pub mod run_panel;
pub mod tile;
pub mod url_adder;

pub use board_panel::BoardPanel;
pub use compare_card::CompareCard;
pub use compare_picker::ComparePicker;
pub use connection_panel::ConnectionPanel;
pub use dyn_view::Handler;
pub use model_picker::ModelPicker;
pub use options_panel::OptionsPanel;
pub use prompt_editor::PromptEditor;
pub use provider_picker::ProviderPicker;
pub use reference_chips::ReferenceChips;
pub use rejected_list::RejectedList;
pub use result_view::ResultView;
pub use run_panel::RunPanel;
pub use tile::Tile;
pub use url_adder::UrlAdder;
