// tresor/export.hpp — marks the symbols libtresor exports; everything else is
// built with hidden visibility.
#pragma once

#if defined(TRESOR_BUILDING_LIBRARY) && defined(_WIN32)
#define TRESOR_EXPORT __declspec(dllexport)
#elif defined(TRESOR_BUILDING_LIBRARY)
#define TRESOR_EXPORT __attribute__((visibility("default")))
#else
#define TRESOR_EXPORT
#endif
