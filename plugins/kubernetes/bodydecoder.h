#pragma once

// Undoes a response's Content-Encoding. ClusterClient asks for `Accept-Encoding: gzip` on lists and gets
// (like kubectl), because Qt's automatic choice includes brotli, which a server may pick and which costs
// it seconds per 500-pod page (measured against opsdeck-sim: 5.2 s br vs 0.1 s gzip, bench/README.md).
// Asking explicitly turns Qt's automatic decompression off, so the body is inflated here, with
// SIMDJSON_PADDING spare capacity for the parser.

#include "error.h"

#include <QByteArray>

class BodyDecoder
{
public:
    // `contentEncoding` is the reply's Content-Encoding header: empty or "identity" returns `body`
    // unchanged, "gzip" (or "x-gzip") inflates it; anything else, or a corrupt stream, is Error{Invalid}.
    static Opsdeck::Result<QByteArray> decode(const QByteArray &contentEncoding, QByteArray body);
};
