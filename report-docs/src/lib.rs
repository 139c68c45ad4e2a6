//! The 公示结果报告 (publicity result report) as documents: PDF and Word, with the QR code that
//! leads a reader of a printed copy to the report as issued.
//!
//! Plain data in, bytes out: no database, no web. The issuing code builds a [`ReportDocument`];
//! [`render_pdf`] and [`render_docx`] print it, with the same wording, from one view of it;
//! [`qr_svg`] gives the same QR code to the web pages. [`render_poster_pdf`] typesets a notice
//! for a board from a [`PosterDocument`], [`render_poster_docx`] writes it as a Word file and
//! [`render_long_png`] draws it as one tall image to share in WeChat. [`render_package_pdf`]
//! prints what a recommending unit sends up (报送材料) from a [`SubmissionPackage`].
mod docx;
mod error;
mod model;
mod package;
mod pdf;
mod poster;
mod poster_docx;
mod qr;
mod view;

pub use docx::render_docx;
pub use error::Error;
pub use model::{
    Channels, Level, ObjectionCounts, ObjectionRecord, ObjectionResult, Outcome, ProjectEntry, ReasonCount,
    ReportDocument, Verification, chinese_date,
};
pub use package::{
    FormCompleter, FormIpItem, LeftOut, RegistrationForm, SUMMARY_HEADERS, SubmissionPackage, SummarySheet,
};
pub use pdf::{
    render_long_png, render_package_pdf, render_pdf, render_poster_pdf, render_registration_pdf, render_report_png,
    render_summary_pdf, warm_up,
};
pub use poster::{Contribution, HowToObject, Paper, PosterDocument, PosterProject};
pub use poster_docx::render_poster_docx;
pub use qr::{qr_png, qr_svg, try_qr_svg};
