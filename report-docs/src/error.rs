//! What can go wrong while rendering. None of it is the reader's fault: each is logged by the
//! caller as an internal error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("内嵌字体无法加载：{0}")]
    Font(String),
    #[error("报告数据无法序列化：{0}")]
    Data(String),
    #[error("{0}")]
    Qr(String),
    #[error("报告排版失败：{0}")]
    Typeset(String),
    #[error("PDF 导出失败：{0}")]
    Pdf(String),
    #[error("Word 文件生成失败：{0}")]
    Docx(String),
    #[error("长图生成失败：{0}")]
    Image(String),
}
