#!/usr/bin/env python3
"""Fills gongshi's import template the way a unit does in Excel: one project on row 2 of the
first sheet, each value under the header of its column. Makes e2e/fixtures/登记表-2026.xlsx for
first-campaign.test.js from the template a running server serves (standard library only):

    curl -o /tmp/projects.xlsx http://127.0.0.1:8080/templates/projects.xlsx
    python3 e2e/tools/fill-template.py /tmp/projects.xlsx e2e/fixtures/登记表-2026.xlsx
"""
import re
import sys
import zipfile
from xml.sax.saxutils import escape

PROJECT = {
    "申报编号": "GD-2026-01",
    "项目名称": "输电线路覆冰在线监测装置研制",
    "完成单位": "国网武威供电公司",
    "完成人": "李明；王芳",
    "完成人工作单位": "国网武威供电公司；国网武威供电公司",
    "完成人职务职称": "高级工程师；工程师",
    "第一完成人贡献": "提出总体方案，主持样机研制",
    "第一完成人工作量": "占项目工作量60%",
    "第二完成人贡献": "负责传感器选型与覆冰厚度算法",
    "第二完成人工作量": "占项目工作量40%",
    "关键技术与创新点": "采用拉力与倾角融合算法实时计算导线覆冰厚度，提前预警融冰时机。",
    "申报条件": "2",
    "无不得推荐情形声明": "是",
    "拟推荐等级": "二等奖",
}

SHEET = "xl/worksheets/sheet1.xml"


def shared_strings(book):
    xml = book.read("xl/sharedStrings.xml").decode()
    return [re.sub(r"<[^>]+>", "", si) for si in re.findall(r"<si>(.*?)</si>", xml, re.S)]


def header_columns(sheet, strings):
    """Column letter of each header cell on row 1."""
    row = re.search(r'<row r="1"[^>]*>(.*?)</row>', sheet, re.S).group(1)
    cells = re.findall(r'<c r="([A-Z]+)1"[^>]*t="s"[^>]*><v>(\d+)</v></c>', row)
    return {strings[int(i)]: col for col, i in cells}


def filled(sheet, columns):
    def key(col):
        return (len(col), col)

    unknown = set(PROJECT) - set(columns)
    if unknown:
        sys.exit(f"the template has no column {sorted(unknown)}")
    cells = "".join(
        f'<c r="{columns[h]}2" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
        for h, v in sorted(PROJECT.items(), key=lambda hv: key(columns[hv[0]]))
    )
    last = max(columns.values(), key=key)
    sheet = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}2"/>', sheet)
    return sheet.replace("</sheetData>", f'<row r="2">{cells}</row></sheetData>', 1)


def main(template, out):
    with zipfile.ZipFile(template) as book, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        sheet = book.read(SHEET).decode()
        columns = header_columns(sheet, shared_strings(book))
        for item in book.infolist():
            data = filled(sheet, columns).encode() if item.filename == SHEET else book.read(item)
            copy.writestr(item, data)


if __name__ == "__main__":
    main(*sys.argv[1:3])
