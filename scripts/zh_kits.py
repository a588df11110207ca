"""Chinese translations of the action kit messages; run to (re)write bot/locale/zh/LC_MESSAGES/kits.po.

English and Chinese side by side for review, like scripts/zh_core.py; the .po file it writes is
what the bot loads (every .po in that folder is merged). Kit messages the web portal showed first
(parameter checks, unknown kit, language or format) are translated once, in portal.po.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

ZH = {
    # bot/commands/kits.py
    "The action kits, with how often each was used": "行动工具包列表，以及每个被用过多少次",
    "One kit as a PDF: kit <id> [zh|en] [name=value ...]": "获取一个工具包的 PDF：kit <编号> [zh|en] [参数=值 ...]",
    "No kits are available yet.": "暂时还没有工具包。",
    "Action kits: print them, use them, then tell us with checkin #kit-id.": "行动工具包：打印出来、用起来，然后用 checkin #工具包编号 告诉大家。",
    "For: {audience}": "适合：{audience}",
    "Check-ins using it: {count}": "用过它的行动记录：{count} 条",
    "PDF: {kit}": "PDF：{kit}",
    "Send kit <id> for the PDF, for example: kit {example}": "发送 kit <编号> 获取 PDF，例如：kit {example}",
    "PDF in {language}, version {version}, {license}.": "{language}版 PDF，版本 {version}，{license}。",
    "Made with: {settings}": "本版参数：{settings}",
    "On the web (other formats and parameters): {url}": "网页版（其他格式、修改参数）：{url}",
    "This version: {url}": "本版下载：{url}",
    "A quotation mark is not closed.": "有一个引号没有闭合。",
    "I did not understand '{word}': give the language (zh or en) first, then parameters as name=value.": "看不懂“{word}”：请先写语言（zh 或 en），再按 参数名=值 的格式写参数。",
    "The parameter {name} is given twice.": "参数 {name} 写了两次。",
    "This kit has no parameters.": "这个工具包没有可调的参数。",
    "Parameters of {kit}:": "{kit} 的参数：",
    # bot/kit_press.py
    "Kits cannot be rendered right now: the bot is stopping.": "现在无法生成工具包：机器人正在停止。",
    "Too many kits are being prepared right now; please try again in a minute.": "现在排队生成的工具包太多了，请过一分钟再试。",
    "The kit {kit} took too long to prepare; please try again shortly.": "工具包 {kit} 生成得太久了，请稍后再试。",
    "The kit {kit} could not be prepared; please try again.": "工具包 {kit} 没能生成，请再试一次。",
    # toolkits/catalog.py, kit.py, language.py
    "The community kit folder {path} does not exist.": "社区工具包文件夹 {path} 不存在。",
    "The community kit folder {path} cannot be read: {detail}.": "无法读取社区工具包文件夹 {path}：{detail}。",
    "The community kit in {path} uses the id {kit}, which another kit already has; it was skipped.": "{path} 里的社区工具包用了编号 {kit}，但已有别的工具包用了这个编号，所以跳过了它。",
    "The kit {kit} is not available in {lang}; it has {langs}.": "工具包 {kit} 没有 {lang} 版本，只有：{langs}。",
    "The kit.yaml in {path} has a bad {field}: it should be {expected}.": "{path} 中 kit.yaml 的 {field} 写得不对：应该是 {expected}。",
    "The kit.yaml in {path} has an unknown key {key}.": "{path} 中的 kit.yaml 有一个不认识的键 {key}。",
    "The kit.yaml in {path} has id {id}, but its folder is named {folder}; they must match.": "{path} 中 kit.yaml 的编号是 {id}，文件夹却叫 {folder}：两者必须一致。",
    "The kit template {path} is not a plain file; links are not allowed.": "工具包模板 {path} 不是普通文件：不允许使用链接。",
    "The kit template {path} cannot be read as UTF-8 text: {detail}.": "工具包模板 {path} 无法按 UTF-8 文本读取：{detail}。",
    "The kit folder {path} has no kit.yaml.": "工具包文件夹 {path} 里没有 kit.yaml。",
    "The kit.yaml in {path} cannot be read: {detail}.": "无法读取 {path} 中的 kit.yaml：{detail}。",
    "The kit.yaml in {path} is nested too deeply to read.": "{path} 中的 kit.yaml 嵌套太深，无法读取。",
    "The kit template {name} in {path} is nested too deeply to read.": "{path} 中的工具包模板 {name} 嵌套太深，无法读取。",
    "The community kit in {path} cannot be loaded: {detail}.": "无法加载 {path} 中的社区工具包：{detail}。",
    "The parameter {name} has a character that cannot be printed.": "参数 {name} 里有无法打印的字符。",
    "The kit.yaml in {path} needs {field}.": "{path} 中的 kit.yaml 缺少 {field}。",
    "The kit folder {path} has no body template; add body.zh.md.j2 or body.en.md.j2.": "工具包文件夹 {path} 没有正文模板：请添加 body.zh.md.j2 或 body.en.md.j2。",
    "The kit.yaml in {path} has no {lang} {field}, but the kit has a {lang} body.": "{path} 中的 kit.yaml 没有 {lang} 的 {field}，但这个工具包有 {lang} 正文。",
    "The kit template {name} in {path} has a syntax error on line {line}: {detail}.": "{path} 中的工具包模板 {name} 第 {line} 行有语法错误：{detail}。",
    "The kit.yaml in {path} has a bad {field}: it should be text, or a map with zh and en texts.": "{path} 中 kit.yaml 的 {field} 写得不对：应该是一段文字，或分别写出 zh 和 en 文字的映射。",
    # toolkits/parameters.py
    "The kit.yaml in {path} has an unknown key {key} in {field}.": "{path} 中 kit.yaml 的 {field} 里有一个不认识的键 {key}。",
    "The kit.yaml in {path} has a default for {field} that fails its own check: {problem}": "{path} 中 kit.yaml 给 {field} 的默认值通不过它自己的检查：{problem}",
    # toolkits/pdf.py, render.py
    "PDF output is not available on this server: {detail}.": "这台服务器无法生成 PDF：{detail}。",
    "The kit {kit} failed to render: {detail}.": "工具包 {kit} 生成失败：{detail}。",
    "The public URL {url} must start with http:// or https://.": "公开网址 {url} 必须以 http:// 或 https:// 开头。",
    # toolkits/sandbox.py
    "The kit {kit} took longer than its limit of {seconds} s to render and was stopped.": "工具包 {kit} 生成超过了 {seconds} 秒的限制，已被停止。",
    "The kit {kit} tried to build a value too large to render.": "工具包 {kit} 试图生成一个大得无法处理的值。",
    "The kit {kit} needed too much memory and was stopped.": "工具包 {kit} 占用内存太多，已被停止。",
    "The kit {kit} tried to reach something a kit may not touch, so it was refused.": "工具包 {kit} 试图访问工具包不允许碰的东西，已被拒绝。",
    "The kit {kit} tried to include {detail}, which is not one of its own templates.": "工具包 {kit} 试图引入 {detail}，但那不是它自己的模板。",
    "The kit {kit} calls itself without end and was stopped.": "工具包 {kit} 无休止地调用自己，已被停止。",
    "The kit {kit} uses a name it never defines: {detail}.": "工具包 {kit} 用了一个从未定义的名字：{detail}。",
    "The kit {kit} has a template syntax error: {detail}.": "工具包 {kit} 的模板有语法错误：{detail}。",
    "The kit {kit} could not be rendered: the sandbox did not start.": "工具包 {kit} 无法生成：沙箱没有启动。",
}


def main() -> int:
    target = Path(__file__).resolve().parent.parent / "bot/locale/zh/LC_MESSAGES/kits.po"
    catalog = Catalog(
        locale="zh_Hans_CN",
        project="can-bot",
        domain="kits",
        version="0.1.0",
        fuzzy=False,
        header_comment="# Chinese translations of the action kit messages of CAN bot "
        "(written by scripts/zh_kits.py).",
    )
    for message_id, text in ZH.items():
        catalog.add(message_id, text)
    with target.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
