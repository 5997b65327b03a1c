// BodyDecoder: gzip list bodies inflate to the original bytes with simdjson's padding spare; identity
// passes through; a cut-short stream and an encoding Opsdeck never asks for are errors, not garbage.

#include "bodydecoder.h"

#include <QTest>

#include <simdjson.h>
#include <zlib.h>

using namespace Opsdeck;

namespace {

QByteArray gzip(const QByteArray &plain)
{
    z_stream stream{};
    deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(int(deflateBound(&stream, uLong(plain.size()))) + 32, '\0');
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(plain.constData()));
    stream.avail_in = uInt(plain.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    const int rc = deflate(&stream, Z_FINISH);
    out.truncate(qsizetype(stream.total_out));
    deflateEnd(&stream);
    return rc == Z_STREAM_END ? out : QByteArray();
}

// A list body of `items` pods' worth of text: compresses ~30:1 like a real one.
QByteArray listBody(int items)
{
    QByteArray body = R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42"},"items":[)";
    for (int i = 0; i < items; ++i) {
        if (i)
            body += ',';
        body += R"({"metadata":{"name":"svc-)" + QByteArray::number(i) + R"(","namespace":"microservices"}})";
    }
    return body + "]}";
}

} // namespace

class TestBodyDecoder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void identityPassesThrough()
    {
        const QByteArray plain = listBody(3);
        QCOMPARE(BodyDecoder::decode({}, plain).value(), plain);
        QCOMPARE(BodyDecoder::decode("identity", plain).value(), plain);
    }

    void gzipInflatesWithPadding_data()
    {
        QTest::addColumn<int>("items");
        QTest::newRow("empty list") << 0;
        QTest::newRow("one page") << 500;
        QTest::newRow("10k") << 10000;
    }

    void gzipInflatesWithPadding()
    {
        QFETCH(int, items);
        const QByteArray plain = listBody(items);
        const QByteArray packed = gzip(plain);
        QVERIFY(!packed.isEmpty());
        QVERIFY(packed.size() < plain.size() || items == 0);
        const auto decoded = BodyDecoder::decode("gzip", packed);
        QVERIFY2(decoded.has_value(), decoded ? "" : qPrintable(decoded.error().message));
        QCOMPARE(*decoded, plain);
        QVERIFY(decoded->capacity() - decoded->size() >= qsizetype(simdjson::SIMDJSON_PADDING));
    }

    void wrongTrailerSizeGrowsThenFails()
    {
        // The trailer's size only sizes the first allocation (too small: it grows); zlib checks it at the end.
        const QByteArray plain = listBody(2000);
        QByteArray packed = gzip(plain);
        packed[packed.size() - 4] = 1;
        packed[packed.size() - 3] = 0;
        packed[packed.size() - 2] = 0;
        packed[packed.size() - 1] = 0;
        QVERIFY(!BodyDecoder::decode("gzip", packed).has_value());
    }

    void cutShortIsAnError()
    {
        const QByteArray packed = gzip(listBody(500));
        const auto decoded = BodyDecoder::decode("gzip", packed.left(packed.size() / 2));
        QVERIFY(!decoded.has_value());
        QVERIFY(decoded.error().kind == ErrorKind::Invalid);
    }

    void unaskedEncodingIsAnError()
    {
        const auto decoded = BodyDecoder::decode("br", QByteArray("\x1b\x00", 2));
        QVERIFY(!decoded.has_value());
        QVERIFY(decoded.error().message.contains(u"'br'"));
    }
};

QTEST_GUILESS_MAIN(TestBodyDecoder)
#include "tst_bodydecoder.moc"
