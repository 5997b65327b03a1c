#include "listpager.h"

#include <openssl/evp.h>

namespace sim {

namespace {

std::string base64(const std::string &data)
{
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()),
                                  reinterpret_cast<const unsigned char *>(data.data()), static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::optional<std::string> unbase64(const std::string &text)
{
    if (text.empty() || text.size() % 4 != 0 || text.size() > 4096)
        return std::nullopt;
    std::string out(text.size() / 4 * 3 + 1, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char *>(out.data()),
                                  reinterpret_cast<const unsigned char *>(text.data()), static_cast<int>(text.size()));
    if (n < 0)
        return std::nullopt;
    std::size_t size = static_cast<std::size_t>(n);
    // EVP_DecodeBlock counts the padding as zero bytes.
    for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i)
        --size;
    out.resize(size);
    return out;
}

} // namespace

ListPager::ListPager(std::chrono::steady_clock::duration ttl, std::size_t maxSnapshots)
    : m_ttl(ttl)
    , m_maxSnapshots(maxSnapshots == 0 ? 1 : maxSnapshots)
{}

void ListPager::prune()
{
    const auto now = std::chrono::steady_clock::now();
    for (auto it = m_snapshots.begin(); it != m_snapshots.end();) {
        if (now - it->second.created > m_ttl || m_snapshots.size() > m_maxSnapshots) {
            m_byItems.erase(it->second.items.get());
            it = m_snapshots.erase(it);
        } else {
            ++it;
        }
    }
}

std::string ListPager::issue(const Items &items, std::size_t offset, std::uint64_t resourceVersion, const std::string &scope)
{
    std::lock_guard lock(m_mutex);
    prune();
    std::uint64_t id = 0;
    if (const auto it = m_byItems.find(items.get()); it != m_byItems.end()) {
        id = it->second;
    } else {
        id = m_nextId++;
        m_snapshots[id] = {items, resourceVersion, scope, std::chrono::steady_clock::now()};
        m_byItems[items.get()] = id;
    }
    const Json token = {{"v", "meta.k8s.io/v1"}, {"rv", resourceVersion}, {"id", id}, {"start", offset}};
    return base64(token.dump());
}

ListPager::Result ListPager::resume(const std::string &token, const std::string &scope, Position &position)
{
    const auto decoded = unbase64(token);
    if (!decoded)
        return Result::Malformed;
    Json parsed = Json::parse(*decoded, nullptr, false);
    if (!parsed.is_object() || !parsed.contains("id") || !parsed["id"].is_number_unsigned() || !parsed.contains("start")
        || !parsed["start"].is_number_unsigned())
        return Result::Malformed;
    std::lock_guard lock(m_mutex);
    prune();
    const auto it = m_snapshots.find(parsed["id"].get<std::uint64_t>());
    if (it == m_snapshots.end())
        return Result::Expired;
    if (it->second.scope != scope)
        return Result::Malformed;
    position.items = it->second.items;
    position.offset = parsed["start"].get<std::size_t>();
    position.resourceVersion = it->second.resourceVersion;
    if (position.offset > position.items->size())
        return Result::Malformed;
    return Result::Ok;
}

} // namespace sim
