; The desk app's Windows installer, built on Linux by `cargo xtask dist --windows` with Debian's
; makensis (Tauri's bundler would download its NSIS plugins, which this machine cannot reach).
;
; Per machine into Program Files, with a Start-menu and a desktop shortcut named "Thân Thiện". The
; uninstaller keeps the office's data (its store under %LOCALAPPDATA%, its exports under Documents)
; unless asked: a box left unticked on screen, or /DELETEDATA when run silently. WebView2, which the
; window needs, is checked for: Windows 10 and 11 ship it; when it is missing the installer says how
; to get it and still installs (the command line needs no WebView2).
;
; An update (the app downloads this installer, checks its signature and runs it with /S /RESTART,
; then quits) waits for the running app to let go of its program file and starts it again when done.
;
; xtask defines VERSION, BIN_DIR (thanthien.exe and WebView2Loader.dll), ICON and OUTFILE.

; A 64-bit installer for a 64-bit app (Debian's NSIS has the amd64 stubs): it sees the 64-bit
; Program Files and registry as they are.
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"

!define PRODUCT "Thân Thiện"
!define PUBLISHER "Thân Thiện"
!define IDENTIFIER "vn.thanthien.app"
!define EXE "thanthien.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${IDENTIFIER}"
; The WebView2 Runtime's client id, under which Edge's updater records the installed version.
!define WEBVIEW2_ID "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
!define WEBVIEW2_URL "https://go.microsoft.com/fwlink/p/?LinkId=2124703"

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${PRODUCT}"
RequestExecutionLevel admin
BrandingText "${PRODUCT} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "FileDescription" "Cài đặt ${PRODUCT}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TITLE "Cài đặt ${PRODUCT} ${VERSION}"
!define MUI_WELCOMEPAGE_TEXT "Thân Thiện là sổ tiếp dân, góp ý và camera của UBND xã, phường. Ứng dụng chạy được cả khi mất mạng và gửi số liệu lên tỉnh khi có mạng trở lại.$\r$\n$\r$\nBấm Tiếp để cài cho mọi người dùng máy này."
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Mở ${PRODUCT} ngay"
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!define MUI_COMPONENTSPAGE_TEXT_TOP "Dữ liệu của xã (sổ tiếp dân, góp ý, tài khoản) được giữ lại trừ khi anh/chị đánh dấu ô dưới đây. Các tệp đã xuất trong Tài liệu (Documents) luôn được giữ."
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "Vietnamese"

; Run by an update (/RESTART): the app starts again on its new version.
Function .onInstSuccess
    ${GetParameters} $R0
    ClearErrors
    ${GetOptions} $R0 "/RESTART" $R1
    ${IfNot} ${Errors}
        Exec '"$INSTDIR\${EXE}"'
    ${EndIf}
FunctionEnd

; The installed WebView2 Runtime's version, machine-wide or for this user; empty when there is none.
Function WebView2Version
    ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_ID}" "pv"
    ${If} $0 == ""
    ${OrIf} $0 == "0.0.0.0"
        ReadRegStr $0 HKLM "SOFTWARE\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_ID}" "pv"
    ${EndIf}
    ${If} $0 == ""
    ${OrIf} $0 == "0.0.0.0"
        ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_ID}" "pv"
    ${EndIf}
    ${If} $0 == "0.0.0.0"
        StrCpy $0 ""
    ${EndIf}
FunctionEnd

Section "${PRODUCT}" SecApp
    SectionIn RO
    SetShellVarContext all
    SetOutPath "$INSTDIR"
    ; An update is started by the app, which then quits: wait up to 15 s for it to let go.
    StrCpy $R9 0
    wait_for_app:
    ClearErrors
    Delete "$INSTDIR\${EXE}"
    ${If} ${Errors}
    ${AndIf} ${FileExists} "$INSTDIR\${EXE}"
    ${AndIf} $R9 < 30
        IntOp $R9 $R9 + 1
        Sleep 500
        Goto wait_for_app
    ${EndIf}
    File "${BIN_DIR}/${EXE}"
    File "${BIN_DIR}/WebView2Loader.dll"
    WriteUninstaller "$INSTDIR\uninstall.exe"

    CreateShortcut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0
    CreateShortcut "$DESKTOP\${PRODUCT}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0

    WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT}"
    WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
    WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
    WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${EXE}"
    WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
    WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
    WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
    WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
    WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
    ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
    WriteRegDWORD HKLM "${UNINSTALL_KEY}" "EstimatedSize" $0

    Call WebView2Version
    ${If} $0 == ""
        DetailPrint "Chưa có Microsoft Edge WebView2 Runtime: cửa sổ ${PRODUCT} cần nó."
        MessageBox MB_YESNO|MB_ICONEXCLAMATION "Máy này chưa có Microsoft Edge WebView2 Runtime, phần mà cửa sổ ${PRODUCT} cần để hiển thị (Windows 10 và 11 thường có sẵn).$\r$\n$\r$\n${PRODUCT} vẫn được cài. Để mở được cửa sổ, tải và cài WebView2 Runtime (bản Evergreen) của Microsoft tại:$\r$\n${WEBVIEW2_URL}$\r$\nhoặc nhờ cán bộ CNTT cài giúp.$\r$\n$\r$\nMở trang tải ngay bây giờ?" /SD IDNO IDNO webview2_done
            ExecShell "open" "${WEBVIEW2_URL}"
        webview2_done:
    ${Else}
        DetailPrint "Microsoft Edge WebView2 Runtime $0 đã có."
    ${EndIf}
SectionEnd

Section "un.${PRODUCT}" UnSecApp
    SectionIn RO
    SetShellVarContext all
    Delete "$SMPROGRAMS\${PRODUCT}.lnk"
    Delete "$DESKTOP\${PRODUCT}.lnk"
    Delete "$INSTDIR\${EXE}"
    Delete "$INSTDIR\WebView2Loader.dll"
    Delete "$INSTDIR\uninstall.exe"
    RMDir "$INSTDIR"
    DeleteRegKey HKLM "${UNINSTALL_KEY}"
SectionEnd

; Left unticked: the office's records outlive a reinstall unless someone asks otherwise.
Section /o "un.Xóa cả dữ liệu của xã trên máy này" UnSecData
    SetShellVarContext current
    RMDir /r "$LOCALAPPDATA\${IDENTIFIER}"
SectionEnd

Function un.onInit
    ; Run silently, the data goes only when /DELETEDATA is given.
    ${GetParameters} $R0
    ClearErrors
    ${GetOptions} $R0 "/DELETEDATA" $R1
    ${IfNot} ${Errors}
        SectionGetFlags ${UnSecData} $R2
        IntOp $R2 $R2 | ${SF_SELECTED}
        SectionSetFlags ${UnSecData} $R2
    ${EndIf}
FunctionEnd
