#pragma once

// Writes RFC 4180 CSV: CRLF line ends, a field quoted when it holds a comma, a quote, CR or LF, quotes
// doubled. UTF-8, so spreadsheets and scripts read the journal export as it was written.

#include <QStringList>

class QIODevice;

namespace Opsdeck {

class CsvWriter
{
public:
    explicit CsvWriter(QIODevice *device);

    // False once a write to the device failed; later rows are not written.
    bool writeRow(const QStringList &fields);
    bool ok() const { return m_ok; }
    int rows() const { return m_rows; }

    static QString escape(const QString &field);
    static QString row(const QStringList &fields); // with the trailing CRLF

private:
    QIODevice *m_device;
    bool m_ok = true;
    int m_rows = 0;
};

} // namespace Opsdeck
