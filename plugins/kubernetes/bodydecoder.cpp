#include "bodydecoder.h"

#include <simdjson.h>
#include <zlib.h>

#include <limits>

using namespace Opsdeck;

Result<QByteArray> BodyDecoder::decode(const QByteArray &contentEncoding, QByteArray body)
{
    const QByteArray encoding = contentEncoding.trimmed().toLower();
    if (encoding.isEmpty() || encoding == "identity")
        return body;
    if (encoding != "gzip" && encoding != "x-gzip")
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("the server answered with Content-Encoding '%1', which Opsdeck did not ask for")
                             .arg(QString::fromLatin1(contentEncoding)));

    z_stream stream{};
    // 15 + 16: a gzip wrapper (RFC 1952), the largest window.
    if (inflateInit2(&stream, 15 + 16) != Z_OK)
        return makeError(ErrorKind::Invalid, QStringLiteral("cannot start inflating a gzip response"));
    // The gzip trailer's last four bytes are the uncompressed size (mod 2^32): one allocation usually.
    qsizetype expected = body.size() * 4;
    if (body.size() >= 18) {
        const auto *tail = reinterpret_cast<const unsigned char *>(body.constData() + body.size() - 4);
        expected = qsizetype(quint32(tail[0]) | quint32(tail[1]) << 8 | quint32(tail[2]) << 16 | quint32(tail[3]) << 24);
    }
    const qsizetype padding = qsizetype(simdjson::SIMDJSON_PADDING);
    QByteArray out;
    out.resize(std::max<qsizetype>(expected, 64) + padding);
    stream.next_in = reinterpret_cast<Bytef *>(body.data());
    stream.avail_in = uInt(body.size());
    qsizetype written = 0;
    int rc = Z_OK;
    while (rc == Z_OK) {
        if (out.size() - written < padding + 1)
            out.resize(out.size() * 2);
        const qsizetype room = std::min<qsizetype>(out.size() - written - padding, std::numeric_limits<uInt>::max());
        stream.next_out = reinterpret_cast<Bytef *>(out.data() + written);
        stream.avail_out = uInt(room);
        rc = inflate(&stream, Z_NO_FLUSH);
        written += room - qsizetype(stream.avail_out);
        if (rc == Z_BUF_ERROR && stream.avail_in > 0)
            rc = Z_OK; // only the output was full
    }
    inflateEnd(&stream);
    if (rc != Z_STREAM_END)
        return makeError(ErrorKind::Invalid,
                         QStringLiteral("the server's gzip response is corrupt or cut short (zlib %1)").arg(rc));
    out.truncate(written); // capacity stays: the padding simdjson reads past the end
    return out;
}
