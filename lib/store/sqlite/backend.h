// The SQLite backend's entry points, for the factories in store/open.cpp (the only caller).
//
// A location is a plain file name. Failures throw RuntimeError naming the file;
// DatabaseNotReady when a reader finds no file or no schema yet.
#pragma once
#include <memory>
#include <string>

#include "store/query.h"
#include "store/writer.h"

namespace sensorpipe::store::sqlite {

std::unique_ptr<StoreWriter> open_writer(const std::string& path, const WriterOptions& options);
std::unique_ptr<HistoryReader> open_reader(const std::string& path);
// The SQLite library in use ("3.40.1"), for --version.
const char* library_version();

}  // namespace sensorpipe::store::sqlite
