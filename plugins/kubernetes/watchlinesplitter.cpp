#include "watchlinesplitter.h"

QList<QByteArray> WatchLineSplitter::feed(const QByteArray &chunk)
{
    QList<QByteArray> lines;
    qsizetype start = 0;
    qsizetype newline = chunk.indexOf('\n');
    while (newline >= 0) {
        QByteArray line;
        if (!m_pending.isEmpty()) {
            line = m_pending + chunk.mid(start, newline - start);
            m_pending.clear();
        } else {
            line = chunk.mid(start, newline - start);
        }
        if (line.endsWith('\r'))
            line.chop(1);
        if (!line.trimmed().isEmpty())
            lines.append(std::move(line));
        start = newline + 1;
        newline = chunk.indexOf('\n', start);
    }
    if (start < chunk.size())
        m_pending.append(chunk.constData() + start, chunk.size() - start);
    return lines;
}
