#include "csvwriter.h"

#include <QIODevice>

namespace Opsdeck {

CsvWriter::CsvWriter(QIODevice *device)
    : m_device(device)
{
    Q_ASSERT(device);
}

QString CsvWriter::escape(const QString &field)
{
    static const QString special = QStringLiteral(",\"\r\n");
    bool needsQuotes = false;
    for (QChar c : field) {
        if (special.contains(c)) {
            needsQuotes = true;
            break;
        }
    }
    if (!needsQuotes)
        return field;
    QString quoted = field;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString CsvWriter::row(const QStringList &fields)
{
    QStringList escaped;
    escaped.reserve(fields.size());
    for (const QString &field : fields)
        escaped << escape(field);
    return escaped.join(QLatin1Char(',')) + QStringLiteral("\r\n");
}

bool CsvWriter::writeRow(const QStringList &fields)
{
    if (!m_ok)
        return false;
    const QByteArray bytes = row(fields).toUtf8();
    if (m_device->write(bytes) != bytes.size()) {
        m_ok = false;
        return false;
    }
    ++m_rows;
    return true;
}

} // namespace Opsdeck
