#pragma once

// Server-side printing (API-CONTRACTS §1 Table): the columns and cells kubectl shows for each kind,
// computed as kubectl's printers do (pod status reasons, "2/3" readiness, HPA targets, ages).

#include "objectstore.h"

#include <string>

namespace sim {

class TableConverter
{
public:
    enum class Include { None, Metadata, Object };

    explicit TableConverter(ObjectStore::Clock now);

    Json columnDefinitions(const std::string &typeId) const;
    Json row(const std::string &typeId, const Json &object, Include include) const;

    // A whole Table: {kind: Table, apiVersion: meta.k8s.io/<version>, metadata, columnDefinitions, rows}.
    Json table(const std::string &typeId, const std::string &apiVersion, Json rows, Json metadata,
               bool withColumns = true) const;

    static Include includeFromParam(const std::string &value);

private:
    Json cells(const std::string &typeId, const Json &object) const;
    std::string age(const Json &timestamp) const;

    ObjectStore::Clock m_now;
};

} // namespace sim
