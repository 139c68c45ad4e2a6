//! The downloadable import template `/templates/projects.xlsx`: a sheet with only the header row
//! (so nothing but the unit's own rows is imported) and a help sheet with an example per column,
//! both built from the same column list the importer reads.
use super::import::COLUMNS;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// # Errors
/// Only if the spreadsheet writer fails.
pub fn projects_xlsx() -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("项目")?;
    let header = Format::new().set_bold();
    let required = Format::new().set_bold().set_font_color("#B00000");
    for (i, column) in COLUMNS.iter().enumerate() {
        let c = u16::try_from(i).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, c, column.header, if column.required { &required } else { &header })?;
        sheet.set_column_width(c, if column.header.contains("技术") { 40 } else { 18 })?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let help = book.add_worksheet();
    help.set_name("填写说明")?;
    help.write_string_with_format(0, 0, "列名", &header)?;
    help.write_string_with_format(0, 1, "必填", &header)?;
    help.write_string_with_format(0, 2, "说明", &header)?;
    help.write_string_with_format(0, 3, "示例", &header)?;
    for (i, column) in COLUMNS.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        help.write_string(r, 0, column.header)?;
        help.write_string(r, 1, if column.required { "是" } else { "否" })?;
        help.write_string(r, 2, column.help)?;
        help.write_string(r, 3, column.example)?;
    }
    help.set_column_width(0, 20)?;
    help.set_column_width(2, 60)?;
    help.set_column_width(3, 50)?;
    book.save_to_buffer()
}
