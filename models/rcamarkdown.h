#pragma once

// The RCA as Markdown (CommonMark + GitHub tables): header, Summary, Detection, Impact, Response timeline,
// Root cause, Resolution, Prevention. Prefilled from an RcaReport; what only a person can say is marked
// "_To be written:_ …". Every piece of server or user text is escaped, so an event message cannot add a
// link, an image, HTML or a table column to the document.

#include <QString>

namespace Opsdeck {

struct RcaReport;

class RcaMarkdown
{
public:
    static QString write(const RcaReport &report);

    // Inline text safe anywhere in a paragraph, list item or table cell: one line, Markdown punctuation
    // backslash-escaped, `<`, `>` and `&` as entities.
    static QString escape(const QString &text);
    // "_To be written:_ what" — the marker a person searches for.
    static QString placeholder(const QString &what);
    static QString placeholderMarker(); // "_To be written:_"
};

} // namespace Opsdeck
