#pragma once

// The RCA as a PDF (issue 9 §6): a QTextDocument built from an RcaReport — with QTextCursor and plain
// text only, so no server text is ever read as HTML — printed through QPrinter (PDF, A4) with a footer
// that numbers the pages. The same sections as RcaMarkdown; what a person must still write is a
// highlighted "To be written: …" placeholder. Needs a QGuiApplication (offscreen is enough).

#include "error.h"

#include <QString>

#include <memory>

class QTextDocument;

namespace Opsdeck {

struct RcaReport;

class RcaPdfWriter
{
public:
    // The document, for a preview or a printer (its layout scales borders and paddings to the device).
    static std::unique_ptr<QTextDocument> document(const RcaReport &report);
    // Writes `path` (A4 portrait, page numbers in the footer). Errors name the file.
    static Result<void> write(const RcaReport &report, const QString &path);

    // The text every placeholder starts with ("To be written:"), for tests and searches.
    static QString placeholderMarker();
};

} // namespace Opsdeck
