/** Nested paging (AMD APM Vol. 2, §15.25): guest RAM layout, table builder, walker, #NPF error codes. */
package dev.hve.svm.npt;
