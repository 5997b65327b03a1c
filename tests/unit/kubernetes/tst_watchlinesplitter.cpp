#include "watchlinesplitter.h"

#include <QTest>

class tst_WatchLineSplitter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void wholeLines()
    {
        WatchLineSplitter s;
        QCOMPARE(s.feed("{\"a\":1}\n{\"b\":2}\n"), QList<QByteArray>({"{\"a\":1}", "{\"b\":2}"}));
        QVERIFY(s.pending().isEmpty());
    }

    void lineAcrossChunks()
    {
        WatchLineSplitter s;
        QVERIFY(s.feed("{\"type\":\"ADD").isEmpty());
        QVERIFY(s.feed("ED\",\"object\"").isEmpty());
        QCOMPARE(s.feed(":{}}\n{\"next\""), QList<QByteArray>({"{\"type\":\"ADDED\",\"object\":{}}"}));
        QCOMPARE(s.pending(), QByteArray("{\"next\""));
        QCOMPARE(s.feed(":1}\n"), QList<QByteArray>({"{\"next\":1}"}));
    }

    // Every split point of a three-event stream yields the same three events.
    void everySplitPoint()
    {
        const QByteArray stream = "{\"e\":1}\r\n\n{\"e\":\"two\\n\"}\n{\"e\":3}\n";
        const QList<QByteArray> expected = {"{\"e\":1}", "{\"e\":\"two\\n\"}", "{\"e\":3}"};
        for (qsizetype i = 0; i <= stream.size(); ++i) {
            for (qsizetype j = i; j <= stream.size(); ++j) {
                WatchLineSplitter s;
                QList<QByteArray> got = s.feed(stream.left(i));
                got += s.feed(stream.mid(i, j - i));
                got += s.feed(stream.mid(j));
                QCOMPARE(got, expected);
                QVERIFY(s.pending().isEmpty());
            }
        }
    }

    void byteByByte()
    {
        const QByteArray stream = "{\"a\":1}\n{\"b\":2}\n";
        WatchLineSplitter s;
        QList<QByteArray> got;
        for (char c : stream)
            got += s.feed(QByteArray(1, c));
        QCOMPARE(got.size(), 2);
    }

    void reset()
    {
        WatchLineSplitter s;
        s.feed("{\"partial\"");
        s.reset();
        QCOMPARE(s.feed("{}\n"), QList<QByteArray>({"{}"}));
    }
};

QTEST_GUILESS_MAIN(tst_WatchLineSplitter)
#include "tst_watchlinesplitter.moc"
